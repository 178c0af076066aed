import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCHEDULER_LEASE } from '../../server/pipelines/leadership.js';
import { manualCron } from '../support/manual-cron.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

const CSV = 'driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n';
const bundle = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' as const }],
  sources: [{ name: 'stats', type: 'csv' as const, path: 'data/stats.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'v', entities: ['driver'], source: 'stats', schedule: '0 * * * *', features: [{ name: 'rate', type: 'float64' as const }] }],
};

test('a process that loses the scheduler lease while alive stops its schedules, and takes them back once the lease is free', async () => {
  const cron = manualCron();
  // A short lease: the process renews (and notices a loss) every 100 ms.
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle, { leaseMs: 300 }, { cron: cron.schedule });
  const leases = s.services.leases;
  const scheduler = async () => (await getJson(`${s.url}/health`)).body.scheduler;
  try {
    await waitFor('leadership', 60_000, async () => (s.pipelines.isLeader && s.pipelines.scheduled().length === 1 ? true : undefined));
    assert.equal(await scheduler(), 'this process');
    assert.ok(cron.live('materialize:v'));

    // Another holder takes the lease (as one would after this process stalled past its expiry).
    await leases.release(SCHEDULER_LEASE, s.pipelines.holder);
    assert.equal(await leases.tryAcquire(SCHEDULER_LEASE, 'another-process', 600_000), true);
    await waitFor('the loss to be noticed', 60_000, async () => (s.pipelines.isLeader ? undefined : true));
    assert.deepEqual(s.pipelines.scheduled(), []);
    assert.equal(cron.live('materialize:v'), undefined, 'the schedule task is destroyed');
    assert.notEqual(await scheduler(), 'this process');
    assert.equal(await leases.holderOf(SCHEDULER_LEASE), 'another-process', 'the loser does not take the lease back while it runs');

    // Once the other holder lets go, this process leads again, schedules and all.
    await leases.release(SCHEDULER_LEASE, 'another-process');
    await waitFor('leadership again', 60_000, async () => (s.pipelines.isLeader && s.pipelines.scheduled().length === 1 ? true : undefined));
    assert.ok(cron.live('materialize:v'));
    assert.equal(await leases.holderOf(SCHEDULER_LEASE), s.pipelines.holder);
  } finally {
    await s.close();
  }
});
