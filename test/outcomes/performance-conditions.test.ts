import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { performanceProvider } from '../../server/outcomes/performance-conditions.js';
import { T0, testServices } from '../support/services.js';

const DAY = 86_400_000;
let s: Awaited<ReturnType<typeof testServices>>;

before(async () => {
  s = await testServices({ alertIntervalMs: 0 });
});
after(() => s.close());

/** Logs predictions of `model` at `at` and posts their outcomes. */
async function plant(model: string, at: number, rows: { probability?: number; prediction: number; label: number }[]): Promise<void> {
  const { predictionIds } = await s.predictionLog.append({
    model,
    modelVersion: '1',
    predictions: rows.map((r, i) => ({ entity: { id: i }, features: {}, featureVersions: {}, prediction: r.prediction, probability: r.probability, status: 'ok', predictedAt: at + i })),
  });
  await s.outcomes.record({ model, outcomes: predictionIds.map((predictionId, i) => ({ predictionId, value: rows[i].label })) });
}

function pairwiseAuc(rows: { probability?: number; label: number }[]): number {
  let wins = 0;
  let pairs = 0;
  for (const a of rows)
    for (const b of rows)
      if (a.label === 1 && b.label === 0) {
        pairs++;
        wins += a.probability! > b.probability! ? 1 : a.probability === b.probability ? 0.5 : 0;
      }
  return wins / pairs;
}

const rule = (threshold?: number) => ({ name: 'perf', kind: 'performance' as const, threshold, webhooks: [], retrain: false });
const windows = { recentMs: DAY, baselineMs: DAY, minCount: 4 };

test('a classifier whose AUC falls fires; a small drop or too few outcomes does not', async () => {
  const probs = [0.9, 0.8, 0.2, 0.1];
  const baseline = probs.map((p, i) => ({ probability: p, prediction: Number(p >= 0.5), label: [1, 1, 0, 0][i] })); // AUC 1
  const recent = probs.map((p, i) => ({ probability: p, prediction: Number(p >= 0.5), label: [0, 1, 1, 0][i] })); // AUC 0.5
  await plant('clf', T0 - 1.5 * DAY, baseline);
  await plant('clf', T0 - 0.5 * DAY, recent);
  await plant('few', T0 - 0.5 * DAY, recent.slice(0, 2));
  const provider = performanceProvider(s.outcomes, windows);
  const drop = (1 - pairwiseAuc(recent)) / pairwiseAuc(baseline);
  assert.equal(drop, 0.5);
  const conditions = await provider.evaluate(rule(), T0);
  assert.deepEqual(
    conditions.map((c) => [c.subject, c.firing, c.value]),
    [
      ['clf', true, drop],
      ['few', false, null],
    ],
  );
  assert.match(conditions[0].message, /AUC 0\.5000 .* 1\.0000/);
  assert.equal((await provider.evaluate(rule(0.5), T0))[0].firing, false); // a drop of exactly the threshold does not fire
  // A day later the bad window is the baseline and nothing recent: not judged, so it resolves.
  assert.equal((await provider.evaluate(rule(), T0 + DAY))[0].firing, false);
});

test('a regressor whose MAE rises fires', async () => {
  await plant(
    'reg',
    T0 - 1.5 * DAY,
    [3, 5, 7, 9].map((prediction) => ({ prediction, label: prediction + 1 })),
  ); // MAE 1
  await plant(
    'reg',
    T0 - 0.5 * DAY,
    [3, 5, 7, 9].map((prediction, i) => ({ prediction, label: prediction - [1, 2, 1, 4][i] })),
  ); // MAE 2
  const [c] = (await performanceProvider(s.outcomes, windows).evaluate(rule(0.5), T0)).filter((x) => x.subject === 'reg');
  assert.deepEqual([c.firing, c.value], [true, (2 - 1) / 1]);
});

test('the registered provider (1 day against the 7 before, 30 outcomes each) opens an alert', async () => {
  const n = 40;
  const probs = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
  const baseline = probs.map((p) => ({ probability: p, prediction: Number(p >= 0.5), label: Number(p >= 0.5) }));
  const recent = probs.map((p, i) => ({ probability: p, prediction: Number(p >= 0.5), label: i % 2 }));
  await plant('served', T0 - 4 * DAY, baseline);
  await plant('served', T0 - 0.25 * DAY, recent);
  await s.applyService.apply(
    {
      entities: [],
      sources: [],
      featureViews: [],
      featureServices: [],
      webhooks: [],
      monitors: [],
      alerts: [{ name: 'model_worse', kind: 'performance', threshold: 0.2, webhooks: [], retrain: true }],
    },
    { dryRun: false, actor: 'test' },
  );
  const evaluation = await s.alerts.evaluate();
  const fired = evaluation.fired.filter((a) => a.subject === 'served');
  assert.equal(fired.length, 1, JSON.stringify(evaluation));
  assert.equal(fired[0].rule, 'model_worse');
  assert.ok(Math.abs((fired[0].value ?? 0) - (1 - pairwiseAuc(recent)) / pairwiseAuc(baseline)) < 1e-12);
});
