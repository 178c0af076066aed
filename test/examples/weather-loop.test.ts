import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { auc } from '../../examples/ml/metrics.js';
import { type LoggedDay, postOutcomes, servePastDays } from '../../examples/weather/feedback.js';
import type { ModelArtifact } from '../../examples/weather/model.js';
import { rainTomorrow, readWeather } from '../../examples/weather/raw-weather.js';
import { retrainHook, retrainIfBetter } from '../../examples/weather/retrain.js';
import { type Tessera, openTessera } from '../../examples/weather/tessera.js';
import { trainRainModel } from '../../examples/weather/train.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

const DAY = 86_400_000;
let tessera: Tessera;
let hook: Awaited<ReturnType<typeof retrainHook>>;
let modelPath: string;

before(async () => {
  const dir = tempDir();
  modelPath = path.join(dir, 'model.json');
  // Alerts evaluated on request; the retrain hook listens on 127.0.0.1, which webhooks may reach only when allowed.
  tessera = await openTessera({ dataDir: path.join(dir, 'data'), config: { alertIntervalMs: 0, httpSourceAllow: ['127.0.0.1'] } });
  hook = await retrainHook(() => retrainIfBetter(tessera, { modelPath }));
});
after(async () => {
  await hook.close();
  await tessera.close();
});

test('the loop: outcomes show the model falling, the performance alert asks a retrain, the retrained model replaces it only if it beats it', async (t) => {
  // The model in service was trained on the last quarter of 2014 only.
  const first = await trainRainModel(tessera, { modelPath, datasetName: 'rain_q4', trainFrom: '2014-10-01' });
  const model = first.artifact.id;
  await tessera.call('POST', '/api/v1/apply', {
    webhooks: [{ name: 'trainer', url: hook.url, maxAttempts: 1 }],
    alerts: [{ name: 'rain_model_worse', kind: 'performance', threshold: 0.1, webhooks: ['trainer'], retrain: true }],
  });

  // 2015 replayed as the last eight days: its first half spread over the seven days before yesterday
  // (the baseline), its second half over the last day, served with month-old features (the planted bug).
  const now = Date.now();
  const labels = rainTomorrow(readWeather());
  const days = readWeather().filter((r) => r.date >= '2015-01-08' && labels.get(`${r.location}|${r.date}`) !== null);
  const half = days.filter((r) => r.date < '2015-07-01');
  const second = days.filter((r) => r.date >= '2015-07-01');
  const spread = (rows: typeof days, from: number, span: number) => rows.map((r, i) => ({ location: r.location, date: r.date, predictedAt: Math.floor(from + ((i + 0.5) * span) / rows.length) }));
  const baseline = await servePastDays(tessera, { modelPath, days: spread(half, now - 8 * DAY, 7 * DAY) });
  const recent = await servePastDays(tessera, { modelPath, days: spread(second, now - DAY, DAY - 60_000), staleDays: 30 });
  assert.ok(baseline.length > 300 && recent.length > 300, `${baseline.length} baseline, ${recent.length} recent predictions`);
  assert.equal(await postOutcomes(tessera, model, [...baseline, ...recent]), baseline.length + recent.length);

  // The curve: computed here from the logged probabilities and the observed rain, then read from Tessera.
  const aucOf = (logged: LoggedDay[]) =>
    auc(
      logged.map((d) => labels.get(`${d.location}|${d.date}`)!),
      logged.map((d) => d.probability),
    );
  const [baseAuc, recentAuc] = [aucOf(baseline), aucOf(recent)];
  assert.ok(recentAuc < baseAuc * 0.9, `the planted bug must cost more than 10% AUC: ${baseAuc} -> ${recentAuc}`);
  const inWindow = await tessera.call<{ overall: { count: number; auc: number } }>('GET', `/api/v1/models/${model}/performance?from=${now - DAY}&to=${now}`);
  assert.equal(inWindow.overall.count, recent.length);
  assert.ok(Math.abs(inWindow.overall.auc - recentAuc) < 1e-9, `${inWindow.overall.auc} vs ${recentAuc}`);
  const curve = await tessera.call<{ buckets: { start: string; count: number; auc: number | null }[] }>('GET', `/api/v1/models/${model}/performance?bucket=day`);
  assert.equal(
    curve.buckets.reduce((n, b) => n + b.count, 0),
    baseline.length + recent.length,
  );

  // The alert fires for the model, and its webhook asks the hook to retrain.
  const evaluation = await tessera.call<{ fired: { rule: string; subject: string; value: number }[] }>('POST', '/api/v1/alerts/evaluate');
  const fired = evaluation.fired.find((a) => a.rule === 'rain_model_worse');
  assert.ok(fired, JSON.stringify(evaluation));
  assert.equal(fired.subject, model);
  assert.ok(Math.abs(fired.value - (baseAuc - recentAuc) / baseAuc) < 1e-9);
  const decision = await waitFor('the retrain', 120_000, async () => (await hook.idle(), hook.decisions[0]));
  assert.deepEqual(hook.errors, []);
  t.diagnostic(`AUC ${baseAuc.toFixed(4)} (baseline, ${baseline.length}) -> ${recentAuc.toFixed(4)} (recent, ${recent.length}); retrain: ${JSON.stringify(decision)}`);

  // The retrained model (2012-2014) replaced the one in service only because it has the lower hold-out log loss.
  assert.equal(decision.chosen === 'candidate', decision.candidateLogLoss < decision.currentLogLoss, JSON.stringify(decision));
  assert.equal(decision.chosen, 'candidate', `expected the model trained on three years to beat the one trained on a quarter: ${JSON.stringify(decision)}`);
  const inService = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact;
  assert.notEqual(inService.trainingDataset, 'rain_q4');

  // A retrain that does not beat the model in service (the same data, the same model) leaves it in place.
  const again = await retrainIfBetter(tessera, { modelPath });
  assert.equal(again.chosen, 'current');
  assert.equal(again.candidateLogLoss, again.currentLogLoss);
  assert.equal((JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact).trainedAt, inService.trainedAt);
});
