import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { Runner, inlineExecutor } from '../../server/pipelines/runner.js';
import { capturedLogger } from '../support/captured-logger.js';
import { testServices } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

const BUNDLE = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'data/stats.csv', timestampField: 'ts' }],
  // Two views: a view has at most one queued run.
  featureViews: ['first_view', 'second_view'].map((name) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' }] })),
};

test('a run-finished listener that throws is logged; the runner goes on with the next run and the other listeners', async () => {
  const s = await testServices();
  const { logger, lines } = capturedLogger();
  // The executor only marks each run succeeded: what is under test is the loop around it.
  const executed: number[] = [];
  const runner = new Runner(
    s.runs,
    inlineExecutor(async (run) => {
      executed.push(run.id);
      await s.runs.succeed(run.id, s.clock.now(), []);
      return { status: 'succeeded', run: (await s.runs.get(run.id))! };
    }),
    'test-holder',
    s.clock,
    logger,
    10,
  );
  try {
    await s.applyService.apply(parseBundle(BUNDLE), { dryRun: false, actor: 'test' });
    const first = await s.runs.enqueue({ featureView: 'first_view', version: 1, trigger: 'cli', start: null, end: null, maxAttempts: 1 }, s.clock.now());
    const second = await s.runs.enqueue({ featureView: 'second_view', version: 1, trigger: 'cli', start: null, end: null, maxAttempts: 1 }, s.clock.now());
    const heard: [number, string][] = [];
    runner.onFinished(() => {
      throw new Error('the listener broke');
    });
    runner.onFinished((run) => heard.push([run.id, run.status]));
    runner.start();
    await waitFor('both runs heard', 10_000, async () => (heard.length === 2 ? true : undefined), undefined, 10);
    assert.deepEqual(executed, [first.id, second.id]);
    assert.deepEqual(heard, [
      [first.id, 'succeeded'],
      [second.id, 'succeeded'],
    ]);
    const failures = lines.filter((l) => l.msg === 'a run-finished listener failed');
    assert.deepEqual(
      failures.map((l) => [l.runId, (l.err as { message?: string } | undefined)?.message]),
      [
        [first.id, 'the listener broke'],
        [second.id, 'the listener broke'],
      ],
    );
  } finally {
    await runner.stop();
    await s.close();
  }
});
