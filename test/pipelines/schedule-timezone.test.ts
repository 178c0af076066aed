// `any`: run records are asserted field by field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import cron, { type ScheduledTask } from 'node-cron';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

/*
 * The test server keeps the scheduler's default, node-cron's module-level `schedule` (the real one,
 * whose time zones are under test here; scheduler.test.ts injects hand-driven ticks), and node-cron keeps
 * every task it creates in a process-wide registry (`getTasks()`). The test server runs its scheduler
 * in this process, so the registry shows the very tasks it made; `match(date)` asks a task whether it
 * fires at an instant, in the time zone it was given, without waiting for any clock.
 */

const CSV = 'driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n';

function bundle(views: { name: string; timezone?: string }[]): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
    featureViews: views.map((v) => ({
      name: v.name,
      entities: ['driver'],
      source: 'stats',
      schedule: '0 9 * * *', // 09:00 every day, in the view's time zone
      ...(v.timezone ? { timezone: v.timezone } : {}),
      features: [{ name: 'rate', type: 'float64' }],
    })),
  };
}

/** node-cron's task for a view, as the scheduler names it. */
function taskOf(view: string): ScheduledTask | undefined {
  return [...cron.getTasks().values()].find((t) => t.name === `materialize:${view}`);
}

const at = (iso: string) => new Date(iso);

/** Waits until a view has no queued or running run; returns its runs, newest first. */
async function settled(url: string, view: string): Promise<any[]> {
  return waitFor(
    `the runs of ${view} to finish`,
    20_000,
    async () => {
      const runs = (await getJson(`${url}/api/v1/runs?featureView=${view}`)).body.runs as any[];
      return runs.length > 0 && runs.every((r) => r.status === 'succeeded' || r.status === 'failed') ? runs : undefined;
    },
    () => null,
    20,
  );
}

test("a view's schedule timezone reaches node-cron, follows in-place updates, and goes with the server", async () => {
  // Kolkata is UTC+05:30 all year: 09:00 there is 03:30Z. New York is UTC-5 in winter, UTC-4 in summer.
  // No single local time zone can match both views at these instants: only their own zones do.
  const s = await pipelineServer(
    { 'stats.csv': CSV },
    bundle([
      { name: 'kolkata', timezone: 'Asia/Kolkata' },
      { name: 'new_york', timezone: 'America/New_York' },
    ]),
  );
  try {
    const kolkata = taskOf('kolkata');
    const newYork = taskOf('new_york');
    assert.ok(kolkata && newYork, `tasks: ${[...cron.getTasks().values()].map((t) => t.name).join(', ')}`);
    assert.equal(kolkata.getPattern(), '0 9 * * *');
    assert.equal(kolkata.match(at('2026-11-29T03:30:00Z')), true);
    assert.equal(kolkata.match(at('2026-11-29T09:00:00Z')), false);
    // The next run is at 03:30Z on some day, whatever today is.
    assert.match(kolkata.getNextRun()!.toISOString(), /T03:30:00\.000Z$/);
    assert.equal(newYork.match(at('2026-11-29T14:00:00Z')), true);
    assert.equal(newYork.match(at('2026-07-01T13:00:00Z')), true, 'daylight saving time: an IANA zone, not a fixed offset');
    assert.equal(newYork.match(at('2026-11-29T09:00:00Z')), false);
    assert.equal(newYork.match(at('2026-11-29T03:30:00Z')), false);

    // The task runs the view: a tick (invoked here instead of waited for) queues a scheduled run.
    const before = await settled(s.url, 'kolkata');
    await kolkata.execute();
    const after = await settled(s.url, 'kolkata');
    assert.equal(after.length, before.length + 1);
    assert.equal(after[0].trigger, 'schedule');
    assert.equal(after[0].featureView, 'kolkata');

    // Changing only the time zone is an in-place update: the same version, a new task in the new zone.
    const moved = await postJson(`${s.url}/api/v1/apply`, bundle([{ name: 'kolkata', timezone: 'Asia/Tokyo' }]));
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.newVersions, []);
    const tokyo = taskOf('kolkata');
    assert.ok(tokyo);
    assert.notEqual(tokyo.id, kolkata.id, 'the old task is replaced');
    assert.ok(!cron.getTasks().has(kolkata.id), 'the old task is destroyed');
    // Tokyo is UTC+9: 09:00 there is 00:00Z.
    assert.equal(tokyo.match(at('2026-11-29T00:00:00Z')), true);
    assert.equal(tokyo.match(at('2026-11-29T03:30:00Z')), false);
    assert.equal(taskOf('new_york')!.id, newYork.id, 'an unchanged view keeps its task');

    // Without a time zone the schedule runs in the process's local time.
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle([{ name: 'kolkata' }]))).status, 200);
    const local = taskOf('kolkata')!;
    assert.notEqual(local.id, tokyo.id);
    assert.equal(local.match(new Date(2026, 10, 29, 9, 0, 0)), true);
    assert.equal(local.match(new Date(2026, 10, 29, 10, 0, 0)), false);
  } finally {
    await s.close();
  }
  // Stopping the server destroys its tasks: none is left to fire (or to keep the process alive).
  assert.deepEqual(
    [...cron.getTasks().values()].map((t) => t.name).filter((n) => n?.startsWith('materialize:')),
    [],
  );
});
