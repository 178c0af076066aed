import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../server/logger.js';
import { Leadership, SCHEDULER_LEASE } from '../../server/pipelines/leadership.js';
import type { LeaseStore } from '../../server/registry/lease-store.js';
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

// Taking up leadership reads the registry (recovery, the catalog, catch-up runs): an outage right after
// the lease was won made `gained` throw. The renewal chain then stayed rejected for good (this process
// never led again) and the rejection reached the process unhandled, which Node ends it for.
test('a failure while taking up leadership is undone and tried again at the next renewal; nothing reaches the process', async () => {
  const calls: string[] = [];
  let acquires = 0;
  const leases = {
    // The first renewal cannot reach the registry; every later one wins the lease.
    tryAcquire: async () => {
      acquires++;
      if (acquires === 1) throw new Error('registry unavailable');
      return true;
    },
    release: async () => void calls.push('release'),
  } as unknown as LeaseStore;
  let gains = 0;
  const leadership = new Leadership(leases, 'this-process', 150, createLogger('silent'), {
    gained: async () => {
      gains++;
      calls.push(`gained ${gains}`);
      // The lease is won on the second renewal (the first on the timer): taking up fails there, once.
      if (gains === 1) throw new Error('registry unavailable');
    },
    lost: async () => void calls.push('lost'),
  });
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    await leadership.start();
    assert.equal(leadership.isLeader, false);
    await waitFor(
      'leadership',
      10_000,
      async () => (leadership.isLeader ? true : undefined),
      () => null,
      20,
    );
    assert.deepEqual(calls, ['gained 1', 'lost', 'release', 'gained 2']);
    assert.deepEqual(rejections, []);
  } finally {
    await leadership.stop();
    process.off('unhandledRejection', onRejection);
  }
});
