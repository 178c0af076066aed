import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { compactionGroups } from '../../server/pipelines/compaction/compaction-policy.js';
import type { SnapshotRecord } from '../../server/domain/snapshot.js';
import { VIEWS, answers, compactionServer } from './compaction-fixture.js';

test('compaction merges small snapshots without changing any answer; a dataset pinned before keeps its files and rebuilds exactly', async () => {
  const s = await compactionServer(12);
  try {
    const { runs, files, datasets } = s.services;
    const before = await answers(s);
    const pinnedBefore = (await runs.snapshots('created_view', 1)).map((x) => x.id);
    assert.equal(pinnedBefore.length, 15);
    const entities = {
      kind: 'columns' as const,
      columns: { driver_id: [1, 2, 3, 4], event_timestamp: ['2026-11-01T01:00:00Z', '2026-11-01T00:40:00Z', '2026-11-01T02:00:00Z', '2026-11-01T00:20:00Z'] },
    };
    await datasets.create({ name: 'before', selection: { features: ['created_view:rate', 'plain_view:rate'], fullFeatureNames: true }, entities, input: { format: 'json', sha256: 'x' } });

    const merged = await s.compactor().runOnce();
    assert.equal(merged.length, 2, 'one merged snapshot per view: every snapshot was small and next to the others');
    for (const view of VIEWS) {
      const live = await runs.snapshots(view, 1);
      assert.equal(live.length, 1);
      assert.deepEqual(live[0].files, [`offline/${view}/v1/run=${live[0].runId}/part-0.parquet`]);
      const run = (await runs.get(live[0].runId))!;
      assert.deepEqual([run.trigger, run.status, run.snapshotId], ['compaction', 'succeeded', live[0].id]);
      assert.equal(live[0].stats.rate.count, live[0].rows, 'statistics describe the merged rows');
    }
    // Point-in-time answers (created-time ties, the backfill's corrections, ttl), ranges and online rows: unchanged.
    assert.deepEqual(await answers(s), before);

    // The dataset pinned the replaced snapshots: their files stay, and it rebuilds identically.
    const retired = (await runs.snapshots('created_view', 1, { retired: true })).filter((x) => x.replacedBy !== null);
    assert.deepEqual(
      retired.map((x) => x.id),
      pinnedBefore,
    );
    assert.deepEqual(await s.compactor().sweep(), [], 'pinned files are kept');
    for (const x of retired) for (const f of x.files) assert.ok(fs.existsSync(files.locate(f)), f);
    const rebuilt = await datasets.rebuild('before');
    assert.equal(rebuilt.matches, true, JSON.stringify(rebuilt));
    assert.deepEqual(rebuilt.snapshotIds['created_view@1'], pinnedBefore);

    // Once no dataset needs them, the next sweep removes them; answers still do not change.
    await datasets.remove('before');
    const removed = await s.compactor().sweep();
    assert.equal(removed.length, retired.flatMap((x) => x.files).length * 2, 'both views');
    for (const x of retired) for (const f of x.files) assert.equal(fs.existsSync(files.locate(f)), false, f);
    assert.deepEqual(await s.compactor().sweep(), []);
    assert.deepEqual(await answers(s), before);
  } finally {
    await s.close();
  }
});

test('a materialization runs while a compaction of its view is recorded as running', async () => {
  const s = await compactionServer(4);
  try {
    const { runs, clock } = s.services;
    const compaction = await runs.beginSideRun('created_view', 1, 'compaction', 'someone', clock.now());
    assert.equal((await s.materialize('created_view', { start: '2026-11-02T00:00:00Z', end: '2026-11-02T01:00:00Z' })).status, 'succeeded');
    await runs.fail(compaction.id, 'test', 'done', clock.now());
  } finally {
    await s.close();
  }
});

test('the policy merges runs of small, synced snapshots that stand next to each other, up to the target size', () => {
  const snap = (id: number, rows: number, onlineSynced = true) => ({ id, rows, onlineSynced }) as SnapshotRecord;
  const list = [snap(1, 10), snap(2, 10), snap(3, 5000), snap(4, 10), snap(5, 10), snap(6, 10, false), snap(7, 10), snap(8, 10), snap(9, 10)];
  const settings = { minSnapshots: 4, smallRows: 1000, targetRows: 25 };
  const ids = (online: boolean) => compactionGroups(list, online, settings).map((g) => g.map((x) => x.id));
  // 3 is not small and 6 is not online yet: they cut the runs; 25 rows at most per group.
  assert.deepEqual(ids(true), [
    [1, 2],
    [4, 5],
    [7, 8],
  ]);
  // An offline-only view never syncs: 6 merges.
  assert.deepEqual(ids(false), [
    [1, 2],
    [4, 5],
    [6, 7],
    [8, 9],
  ]);
  // No more small snapshots than the threshold: nothing to do.
  assert.deepEqual(compactionGroups(list, true, { ...settings, minSnapshots: 8 }), []);
});
