import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { RUNNER_LEASE_PREFIX } from '../../server/pipelines/runner-lease.js';
import { recoverInterrupted } from '../../server/pipelines/recovery.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'scores', type: 'push' }],
  featureViews: [{ name: 'plain', entities: ['driver'], source: 'scores', features: [{ name: 'score', type: 'float64' }] }],
};

test("a process's push commits run under a live runner lease: another leader's recovery leaves them alone and takes over only a dead process's", async () => {
  const s = await pipelineServer({}, bundle, { pushCommitMs: 0 });
  try {
    const { runs, files, clock, logger, leases } = s.services;
    const pushHolder = `${s.pipelines.holder}:push`;
    assert.ok((await leases.live(RUNNER_LEASE_PREFIX)).includes(pushHolder), 'the push lease is live');
    const res = await postJson(`${s.url}/push`, { push_source_name: 'scores', df: { driver_id: [1], event_timestamp: ['2026-11-29T10:00:00Z'], score: [2] }, to: 'offline' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const committed = (await runs.list({ featureView: 'plain', limit: 10 })).find((r) => r.snapshotId === res.body.feature_views[0].snapshot_id)!;
    assert.deepEqual([committed.trigger, committed.holder], ['push', pushHolder]);

    // A commit of this live process in flight, and one of a process that died, each with a file written.
    const inFlight = await runs.beginSideRun('plain', 1, 'push', pushHolder, clock.now());
    const dead = await runs.beginSideRun('plain', 1, 'push', 'gone:push', clock.now());
    for (const run of [inFlight, dead]) await files.writeAtomic(`offline/plain/v1/run=${run.id}/part-0.parquet`, new Uint8Array([1]));
    const live = (await leases.live(RUNNER_LEASE_PREFIX)).filter((h) => h !== 'next-leader');
    const recovered = await recoverInterrupted(runs, files, 'next-leader', clock, logger, { liveHolders: live, sweepStaged: false });
    assert.deepEqual(recovered, [dead.id]);
    assert.deepEqual([(await runs.get(inFlight.id))!.status, (await runs.get(inFlight.id))!.holder], ['running', pushHolder]);
    assert.equal(fs.existsSync(files.locate(`offline/plain/v1/run=${inFlight.id}/part-0.parquet`)), true);
    assert.deepEqual([(await runs.get(dead.id))!.status, (await runs.get(dead.id))!.reason], ['failed', 'interrupted']);
    assert.equal(fs.existsSync(files.locate(`offline/plain/v1/run=${dead.id}`)), false);
  } finally {
    await s.close();
  }
});
