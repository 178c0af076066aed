import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import type { FileStore } from '../../server/offline/file-store.js';
import { executeRun } from '../../server/pipelines/materialize.js';
import { RUNNER_LEASE_PREFIX } from '../../server/pipelines/runner-lease.js';
import type { RunStore } from '../../server/registry/run-store.js';
import { materializeDeps } from '../../server/services.js';
import { capturedLogger } from '../support/captured-logger.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { T0, getJson, postJson, testServices } from '../support/services.js';
import { writeFiles } from '../support/temp-dir.js';

// A view deleted and created again under its name starts from nothing: no snapshots, no watermark,
// and no run of the old view commits into the new one.
const bundle: BundleInput = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'src', type: 'csv', path: 'data/re.csv', timestampField: 'ts' }],
  featureViews: [{ name: 're', entities: ['thing'], source: 'src', features: [{ name: 'x', type: 'float64' }] }],
};
const del = (url: string) => fetch(url, { method: 'DELETE' });

test('a view created again after a delete reads its source from the start and serves only its own rows', async () => {
  const s = await pipelineServer({ 'data/re.csv': 'id,ts,x\n1,2026-01-01T00:00:00Z,100\n2,2026-01-02T00:00:00Z,200\n' }, bundle);
  try {
    assert.equal((await s.materialize('re')).rowsOut, 2);
    assert.ok(fs.existsSync(path.join(s.dataDir, 'offline', 're')));
    assert.equal((await del(`${s.url}/api/v1/feature-views/re`)).status, 204);
    assert.equal(fs.existsSync(path.join(s.dataDir, 'offline', 're')), false, 'its offline files are gone');
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle)).status, 200);
    fs.writeFileSync(s.file('data/re.csv'), 'id,ts,x\n1,2026-01-01T00:00:00Z,5\n');

    const run = await s.materialize('re');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsIn, 1, 'no watermark is inherited: the whole source is read');
    const detail = (await getJson(`${s.url}/api/v1/feature-views/re/versions/1`)).body;
    assert.deepEqual(
      detail.snapshots.map((sn: { runId: number }) => sn.runId),
      [run.id],
    );
    const historical = await postJson(`${s.url}/get-historical-features`, { features: ['re:x'], entities: { id: [1, 2], event_timestamp: ['2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z'] } });
    assert.deepEqual(historical.body.x, [5, null]);
    const online = await postJson(`${s.url}/get-online-features`, { features: ['re:x'], entities: { id: [1, 2] } });
    assert.deepEqual(online.body.results[1].values, [5, null]);
  } finally {
    await s.close();
  }
});

test('a run of a deleted view is failed at once, and one still executing cannot commit', async () => {
  const s = await pipelineServer({ 'data/re.csv': 'id,ts,x\n1,2026-01-01T00:00:00Z,100\n' }, bundle, { scheduler: false });
  try {
    const { runs, catalogStore } = s.services;
    const queued = await s.pipelines.service.materialize('re', { trigger: 'manual' });
    // Claimed as a pipeline would claim it: the run is now executing.
    const claimed = await runs.claim('test', Date.now(), queued.id);
    assert.equal(claimed?.status, 'running');
    await catalogStore.deleteObject('featureView', 're');
    const failed = await runs.get(queued.id);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.reason, 'deleted');

    // The view comes back under its name; the old run's commit is refused and changes nothing.
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle)).status, 200);
    const commit = {
      runId: queued.id,
      featureView: 're',
      version: 1,
      rows: 1,
      windowStart: null,
      windowEnd: Date.parse('2026-11-29T12:00:00Z'),
      minEventTs: null,
      maxEventTs: null,
      files: [],
      stats: {},
      watermark: Date.parse('2026-11-29T12:00:00Z'),
      fittedState: null,
      carry: {},
      counts: { rowsIn: 1, rowsOut: 1, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
      steps: [],
    };
    await assert.rejects(runs.commitSnapshot(commit, Date.now()), /feature view 're' was deleted during the run/);
    assert.deepEqual(await runs.snapshots('re', 1), []);
    assert.equal(await runs.watermark('re', 1), null);
    // And the new view can be materialized: the old run holds no place in its queue.
    const again = await postJson(`${s.url}/api/v1/feature-views/re/materialize`, {});
    assert.equal(again.status, 202, JSON.stringify(again.body));
  } finally {
    await s.close();
  }
});

// Where the deletion lands in a run of serve's runners (fenced by the runner lease): right before the
// commit (refused), or while the run publishes its files (the deletion removes their folder).
for (const when of ['before the commit', 'while files are published'] as const) {
  test(`a view deleted ${when}: one info line says so; no error line, no "taken over"; the run stays failed as deleted`, async () => {
    const { logger, lines } = capturedLogger('debug');
    const s = await testServices({ pipelineThread: false }, { logger });
    try {
      writeFiles(s.config.definitions, { 'data/re.csv': 'id,ts,x\n1,2026-01-01T00:00:00Z,100\n2,2026-01-02T00:00:00Z,200\n' });
      await s.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
      const holder = 'worker-1';
      assert.equal(await s.leases.tryAcquire(RUNNER_LEASE_PREFIX + holder, holder, 60_000), true);
      const queued = await s.runs.enqueue({ featureView: 're', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 3 }, T0);
      const claimed = await s.runs.claim(holder, T0, queued.id);
      let deleted = 0;
      const deleteView = async () => {
        if (deleted++ === 0) await s.deleteService.delete('featureView', 're');
      };
      const runs: RunStore = Object.create(s.runs);
      const files: FileStore = Object.create(s.files);
      if (when === 'before the commit') {
        runs.commitSnapshot = async (commit, now) => {
          await deleteView();
          return s.runs.commitSnapshot(commit, now);
        };
      } else {
        files.publish = async (staged, relPath) => {
          await deleteView();
          return s.files.publish(staged, relPath);
        };
      }

      const outcome = await executeRun(claimed!, { ...materializeDeps(s), runs, files, fenceLeases: s.leases });
      assert.equal(deleted, 1, 'the deletion happened mid-run');
      assert.deepEqual([outcome.status, outcome.run.status, outcome.run.reason, outcome.run.error], ['failed', 'failed', 'deleted', 'the feature view was deleted']);
      assert.deepEqual(await s.runs.get(queued.id), outcome.run);
      const after = lines.slice(lines.findIndex((l) => l.msg === 'run started') + 1).filter((l) => l.runId === queued.id);
      assert.deepEqual(
        after.map((l) => [l.level, l.msg]),
        [[30, 'feature view deleted during the run: the run ends there, failed (reason deleted)']],
        JSON.stringify(after),
      );
      assert.deepEqual(
        lines.filter((l) => l.level >= 50 || /taken over/.test(JSON.stringify(l))),
        [],
      );
    } finally {
      await s.close();
    }
  });
}
