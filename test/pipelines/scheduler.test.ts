// `any`: log lines and run records are asserted field by field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import { PipelineService } from '../../server/pipelines/pipeline-service.js';
import { Scheduler } from '../../server/pipelines/scheduler.js';
import { capturedLogger } from '../support/captured-logger.js';
import { manualCron } from '../support/manual-cron.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson, T0, testServices } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';
import { writeFiles } from '../support/temp-dir.js';

const CSV = 'driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n2,2026-11-01T11:00:00Z,0.7\n';
const TASK = 'materialize:stats_view';

function bundle(schedule?: string): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'data/stats.csv', timestampField: 'ts' }],
    featureViews: [{ name: 'stats_view', entities: ['driver'], source: 'stats', ...(schedule ? { schedule, timezone: 'Europe/Paris' } : {}), features: [{ name: 'rate', type: 'float64' }] }],
  };
}

test('a tick queues a scheduled run at the injected time; a tick while the run is queued or running is skipped', async () => {
  const s = await testServices();
  try {
    writeFiles(s.config.definitions, { 'data/stats.csv': CSV });
    await s.applyService.apply(parseBundle(bundle('0 * * * *')), { dryRun: false, actor: 'test' });
    // No runner: a queued run stays queued until the test claims it, so "active" lasts as long as the test wants.
    const service = new PipelineService({ catalog: s.catalog, runs: s.runs, clock: s.clock, maxAttempts: 1 });
    const cron = manualCron();
    const { logger, lines } = capturedLogger();
    const scheduler = new Scheduler(async (view) => void (await service.materialize(view, { trigger: 'schedule' })), logger, cron.schedule);
    scheduler.sync(await s.catalog.get());

    assert.deepEqual(
      cron.tasks.map((t) => [t.expression, t.options]),
      [['0 * * * *', { name: TASK, noOverlap: true, timezone: 'Europe/Paris' }]],
    );
    const runs = () => s.runs.list({ featureView: 'stats_view', limit: 10 });
    assert.deepEqual(await runs(), [], 'registering a schedule queues nothing');

    const t1 = T0 + 3_600_000;
    s.clock.set(t1);
    await cron.tick(TASK);
    const [first, ...none] = await runs();
    assert.deepEqual(none, []);
    assert.deepEqual([first.status, first.trigger, first.createdAt, first.version], ['queued', 'schedule', t1, 1]);

    const skipped = () => lines.filter((l) => l.msg === 'scheduled run skipped');
    // While it is queued: skipped, with the reason.
    await cron.tick(TASK);
    assert.deepEqual(
      (await runs()).map((r) => r.id),
      [first.id],
    );
    assert.equal(skipped().length, 1);
    assert.equal(skipped()[0].featureView, 'stats_view');
    assert.match(skipped()[0].reason, new RegExp(`already has a queued run \\(${first.id}\\)`));

    // While it is running: skipped again.
    const claimed = await s.runs.claim('test-worker', t1, first.id);
    assert.equal(claimed?.status, 'running');
    await cron.tick(TASK);
    assert.deepEqual(
      (await runs()).map((r) => r.id),
      [first.id],
    );
    assert.equal(skipped().length, 2);
    assert.match(skipped()[1].reason, new RegExp(`already has a running run \\(${first.id}\\)`));

    // Once it has finished, the next tick queues the next run.
    await s.runs.succeed(first.id, t1 + 1000, []);
    const t2 = t1 + 3_600_000;
    s.clock.set(t2);
    await cron.tick(TASK);
    const after = await runs();
    assert.deepEqual(
      after.map((r) => [r.status, r.trigger, r.createdAt]),
      [
        ['queued', 'schedule', t2],
        ['succeeded', 'schedule', t1],
      ],
    );
    assert.equal(skipped().length, 2);

    // A schedule removed from the catalog destroys its task.
    await s.applyService.apply(parseBundle(bundle()), { dryRun: false, actor: 'test' });
    scheduler.sync(await s.catalog.get());
    assert.equal(cron.live(TASK), undefined);
    assert.deepEqual(scheduler.scheduled(), []);
    scheduler.stop();
  } finally {
    await s.close();
  }
});

test('in a server, a tick of the schedule runs the view (beyond the catch-up run of a never-materialized view)', async () => {
  const cron = manualCron();
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle('*/5 * * * *'), {}, { cron: cron.schedule });
  try {
    assert.deepEqual(s.pipelines.scheduled(), ['stats_view']);
    const settled = (count: number) =>
      waitFor(`${count} finished runs`, 60_000, async () => {
        const runs = (await getJson(`${s.url}/api/v1/runs?featureView=stats_view`)).body.runs as any[];
        return runs.length === count && runs.every((r) => r.status === 'succeeded' || r.status === 'failed') ? runs : undefined;
      });
    // Applying a never-materialized scheduled view queues one run at once: this alone must not satisfy the test.
    const caughtUp = await settled(1);
    assert.deepEqual(
      caughtUp.map((r) => [r.trigger, r.status, r.rowsOut]),
      [['schedule', 'succeeded', 2]],
    );
    await cron.tick(TASK);
    const ticked = await settled(2);
    assert.deepEqual(
      ticked.map((r) => [r.trigger, r.status]),
      [
        ['schedule', 'succeeded'],
        ['schedule', 'succeeded'],
      ],
    );
    assert.ok(ticked[0].id > caughtUp[0].id);

    // Dropping the schedule destroys its task (the catalog change reaches the scheduler off the request path).
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle())).status, 200);
    await waitFor('the task to go', 60_000, async () => (s.pipelines.scheduled().length === 0 && !cron.live(TASK) ? true : undefined));
  } finally {
    await s.close();
  }
});
