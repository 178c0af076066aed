import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { createLogger } from '../../server/logger.js';
import { recoverInterrupted, sweepSpills } from '../../server/pipelines/recovery.js';
import { T0, testServices } from '../support/services.js';
import { writeFiles } from '../support/temp-dir.js';

const bundle = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'data/stats.csv', timestampField: 'ts' }],
  // One view per run: a view never has two active runs.
  featureViews: ['v', 'w', 'x'].map((name) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] })),
};

/** A run claimed by a process that is gone, with `files` written under its run folder. */
async function deadRun(s: Awaited<ReturnType<typeof testServices>>, view: string, files: string[]) {
  const queued = await s.runs.enqueue({ featureView: view, version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T0);
  const run = await s.runs.claim('dead-process', T0, queued.id);
  assert.equal(run?.status, 'running');
  for (const f of files) await s.files.writeAtomic(f.replace('<id>', String(queued.id)), new TextEncoder().encode('bytes'));
  return queued.id;
}

test('recovery: a run that committed its snapshot before dying keeps its listed files; its unlisted and temporary files go', async () => {
  const s = await testServices();
  try {
    writeFiles(s.config.definitions, { 'data/stats.csv': 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,0.5\n' });
    await s.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
    const dir = 'offline/v/v1';
    const committedId = await deadRun(s, 'v', [`${dir}/run=<id>/part-0.parquet`, `${dir}/run=<id>/part-1.parquet`, `${dir}/run=<id>/part-2.parquet.0a1b.tmp`]);
    const listed = `${dir}/run=${committedId}/part-0.parquet`;
    // It committed part-0 (the snapshot readers see), then died before marking itself succeeded; part-1 was never listed.
    const snapshotId = await s.runs.commitSnapshot(
      {
        runId: committedId,
        featureView: 'v',
        version: 1,
        rows: 1,
        windowStart: null,
        windowEnd: T0,
        minEventTs: T0 - 1000,
        maxEventTs: T0 - 1000,
        files: [listed],
        stats: {},
        watermark: T0,
        fittedState: { features: {} } as never,
        carry: {},
        counts: { rowsIn: 1, rowsOut: 1, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
        steps: [],
      },
      T0,
    );
    // Another dead run that never committed: every file of it goes.
    const uncommittedId = await deadRun(s, 'w', ['offline/w/v1/run=<id>/part-0.parquet']);
    // A run of a live holder is left alone, files and all.
    const liveId = await s.runs.enqueue({ featureView: 'x', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T0);
    await s.runs.claim('me', T0, liveId.id);
    const liveFile = `offline/x/v1/run=${liveId.id}/part-0.parquet`;
    await s.files.writeAtomic(liveFile, new TextEncoder().encode('bytes'));
    // A dataset an API process is saving meanwhile: no run covers it, so the sweep leaves its staged file.
    const datasetTemp = 'offline/_datasets/d/data.parquet.0a1b.tmp';
    await s.files.writeAtomic(datasetTemp, new TextEncoder().encode('bytes'));
    // So are a prediction log segment being published and an outcome batch being written (the log
    // compaction pass sweeps those folders by age instead).
    const logTemp = 'offline/logs/predictions/model=m/date=2026-12-01/1-a-000001.parquet.0a1b.tmp';
    const outcomeTemp = 'offline/logs/outcomes/model=m/date=2026-12-01/1-1-a.jsonl.0a1b.tmp';
    // And a feature log file a serving process is writing (feature-log-sweep.ts sweeps those by age).
    const featureLogTemp = 'offline/logs/feature_services/service=s/date=2026-12-01/x.parquet.0a1b.tmp';
    for (const temp of [logTemp, outcomeTemp, featureLogTemp]) await s.files.writeAtomic(temp, new TextEncoder().encode('bytes'));

    const interrupted = await recoverInterrupted(s.runs, s.files, 'me', s.clock, createLogger('silent'));
    assert.deepEqual(interrupted.sort(), [committedId, uncommittedId].sort());
    assert.deepEqual((await s.files.list('offline')).sort(), [listed, liveFile, datasetTemp, logTemp, outcomeTemp, featureLogTemp].sort());

    const committed = await s.runs.get(committedId);
    assert.deepEqual([committed?.status, committed?.reason, committed?.snapshotId], ['failed', 'interrupted', snapshotId]);
    // The committed snapshot is still what readers see.
    assert.deepEqual(
      (await s.runs.snapshots('v', 1)).map((x) => [x.id, x.files]),
      [[snapshotId, [listed]]],
    );
    assert.equal((await s.runs.get(liveId.id))?.status, 'running');
  } finally {
    await s.close();
  }
});

test("a process sweeps its data dir's spill folders of runs not running (a run of it that died went elsewhere); a running run's stays", async () => {
  const s = await testServices();
  try {
    writeFiles(s.config.definitions, { 'data/stats.csv': 'driver_id,ts,rate\n1,2026-11-01T00:00:00Z,0.5\n' });
    await s.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
    const gone = await s.runs.enqueue({ featureView: 'v', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T0);
    await s.runs.fail(gone.id, 'interrupted', 'taken over and finished elsewhere', T0);
    const running = await s.runs.enqueue({ featureView: 'w', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T0);
    await s.runs.claim('sibling', T0, running.id);
    const bytes = new TextEncoder().encode('rows');
    for (const folder of [`run-${gone.id}`, `run-${gone.id}-a2`, `run-${running.id}`, 'run-424242']) await s.files.writeAtomic(`tmp/${folder}/spill.arrows`, bytes);
    await s.files.writeAtomic('tmp/other/keep.txt', bytes);
    assert.deepEqual((await sweepSpills(s.runs, s.files)).sort(), [`run-${gone.id}`, `run-${gone.id}-a2`, 'run-424242'].sort());
    assert.deepEqual((await s.files.list('tmp')).sort(), [`tmp/run-${running.id}/spill.arrows`, 'tmp/other/keep.txt'].sort());
  } finally {
    await s.close();
  }
});
