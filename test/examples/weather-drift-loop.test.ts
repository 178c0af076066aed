import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { appendObservations, type PlantedRow, replayAsRecent } from '../../examples/weather/drift.js';
import { type ModelArtifact, predict } from '../../examples/weather/model.js';
import { readWeather } from '../../examples/weather/raw-weather.js';
import { retrainHook, retrainIfBetter } from '../../examples/weather/retrain.js';
import { type Tessera, openTessera } from '../../examples/weather/tessera.js';
import { FEATURE_SERVICE, trainRainModel } from '../../examples/weather/train.js';
import { packageRoot } from '../../server/paths.js';
import { bruteDecileBins, brutePsi } from '../monitoring/drift/brute-force.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

// The drift loop on the weather data: the model in service is trained on the last quarter of 2014;
// 2015's observations then arrive again as today's, 5 °C warmer (the planted drift). A monitor compares
// the newest committed rows with the model's training dataset, its alert asks a retrain through a
// webhook, the retrain keeps the new model only if it beats the old one on the 2015 hold-out, and the
// alert resolves once the newest rows look like the training data again.
const MONITOR = 'weather_temperature_drift';
const WINDOW_MS = 60_000;
/** The planted rows arrive over this span ending now, well inside the monitor's window. */
const SPAN_MS = 10_000;
const SHIFT_C = 5;
let tessera: Tessera;
let hook: Awaited<ReturnType<typeof retrainHook>>;
let modelPath: string;
let csvPath: string;
/** The server's clock: real time plus a skew the test moves forward instead of waiting out the monitor's window. */
const clock = { skew: 0, now: () => Date.now() + clock.skew };

before(async () => {
  const dir = tempDir();
  modelPath = path.join(dir, 'model.json');
  // A copy of the weather definitions: the test appends observations to its source file.
  const definitions = path.join(dir, 'definitions');
  fs.mkdirSync(path.join(definitions, 'weather'), { recursive: true });
  fs.copyFileSync(path.join(packageRoot(), 'feature-definitions', 'weather.yaml'), path.join(definitions, 'weather.yaml'));
  csvPath = path.join(definitions, 'weather', 'weather.csv');
  fs.copyFileSync(path.join(packageRoot(), 'feature-definitions', 'weather', 'weather.csv'), csvPath);
  tessera = await openTessera({ dataDir: path.join(dir, 'data'), config: { definitions, alertIntervalMs: 0, httpSourceAllow: ['127.0.0.1'] }, clock });
  hook = await retrainHook(() => retrainIfBetter(tessera, { modelPath }));
});
after(async () => {
  await hook.close();
  await tessera.close();
});

interface MonitorRun {
  status: string;
  error: string | null;
  datasetDrift: boolean;
  share: number;
  report: { features: { feature: string; method: string; statistic: number; drifted: boolean; referenceRows: number; detectionRows: number }[] };
}
type Alert = { rule: string; subject: string; status: string; value: number; retrain: boolean };

/** Commits the appended rows: an explicit window, as the file's new rows are older than the last run's end (the incremental watermark). */
const materialize = async (rows: PlantedRow[]) => {
  const window = { start: new Date(rows[0].at - 1).toISOString(), end: new Date(rows[rows.length - 1].at + 1).toISOString() };
  const run = await tessera.call<{ status: string; rowsOut: number; error: string | null }>('POST', '/api/v1/feature-views/weather_daily/materialize?wait=true', window);
  assert.equal(run.status, 'succeeded', run.error ?? '');
  return run.rowsOut;
};
const runMonitor = () => tessera.call<MonitorRun>('POST', `/api/v1/monitors/${MONITOR}/run`);
const column = async (entities: { location: string[]; event_timestamp: string[] }, feature: string) => {
  const table = await tessera.store.getHistoricalFeatures({ featureService: FEATURE_SERVICE, entities });
  return Array.from(table.getChild(feature)!.toArray() as ArrayLike<number | null>, (v) => (v === null || v === undefined ? null : Number(v)));
};
const entitiesOf = (rows: PlantedRow[]) => ({ location: rows.map((r) => r.location), event_timestamp: rows.map((r) => new Date(r.at).toISOString()) });
/** PSI on the reference's deciles with a null bin, straight from the definition (test/monitoring/drift/brute-force.ts). */
const psi = (reference: (number | null)[], detection: (number | null)[]) => {
  const bins = bruteDecileBins(reference, detection);
  return brutePsi(bins.reference, bins.detection);
};
/** Log loss as scikit-learn computes it (probabilities clipped to [1e-15, 1 - 1e-15]), written out here. */
const holdoutLogLoss = (artifact: ModelArtifact, x: number[][], y: number[]) =>
  -x.reduce((sum, row, i) => {
    const p = Math.min(Math.max(predict(artifact, row), 1e-15), 1 - 1e-15);
    return sum + (y[i] === 1 ? Math.log(p) : Math.log(1 - p));
  }, 0) / x.length;

test('the drift loop: a planted shift fires the drift alert, its webhook retrains, the new model is kept only if it beats the old on the hold-out, the alert resolves', async (t) => {
  const first = await trainRainModel(tessera, { modelPath, datasetName: 'rain_q4', trainFrom: '2014-10-01' });
  const inService = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact;
  await tessera.call('POST', '/api/v1/apply', {
    webhooks: [{ name: 'trainer', url: hook.url, maxAttempts: 1 }],
    monitors: [
      {
        name: MONITOR,
        featureView: 'weather_daily',
        reference: { dataset: 'rain_q4' },
        detection: { last: `${WINDOW_MS / 1000}s` },
        schedule: '0 0 1 1 *',
        features: ['temp_max', 'temp_min', 'wind'],
        method: 'psi',
      },
    ],
    alerts: [{ name: 'weather_drifted', kind: 'drift', webhooks: ['trainer'], retrain: true }],
  });

  // 2015 arrives again over the last 10 seconds, 5 °C warmer.
  const year = readWeather().filter((r) => r.date >= '2015-01-01');
  const t0 = clock.now();
  const warm = replayAsRecent(year, t0 - SPAN_MS, SPAN_MS, SHIFT_C);
  appendObservations(csvPath, warm);
  assert.equal(await materialize(warm), warm.length);

  // The expected PSI per feature, from the training dataset's values and the planted rows' values.
  const reference = {
    location: first.table.getChild('location')!.toArray() as ArrayLike<string>,
    values: (f: string) => Array.from(first.table.getChild(f)!.toArray() as ArrayLike<number | null>, (v) => (v === null || v === undefined ? null : Number(v))),
  };
  assert.ok(reference.location.length > 2000);
  const drifted = await runMonitor();
  assert.equal(drifted.status, 'ok', drifted.error ?? '');
  const expected: Record<string, number> = {};
  for (const f of ['temp_max', 'temp_min', 'wind']) expected[f] = psi(reference.values(f), await column(entitiesOf(warm), f));
  t.diagnostic(`planted: PSI ${JSON.stringify(expected)}`);
  for (const f of drifted.report.features) {
    assert.equal(f.method, 'psi');
    assert.equal(f.detectionRows, warm.length);
    assert.ok(Math.abs(f.statistic - expected[f.feature]) < 1e-9, `${f.feature}: ${f.statistic} vs ${expected[f.feature]}`);
    assert.equal(f.drifted, expected[f.feature] >= 0.1, f.feature);
  }
  assert.ok(expected.temp_max >= 0.1 && expected.temp_min >= 0.1 && expected.wind < 0.1, JSON.stringify(expected));
  assert.deepEqual([drifted.datasetDrift, drifted.share], [true, 2 / 3]);

  // The alert fires for the monitor, shows open, and its webhook asks the trainer to retrain.
  const evaluation = await tessera.call<{ fired: Alert[] }>('POST', '/api/v1/alerts/evaluate');
  assert.deepEqual(
    evaluation.fired.map((a) => [a.rule, a.subject, a.value, a.retrain]),
    [['weather_drifted', MONITOR, 2 / 3, true]],
  );
  const open = await tessera.call<{ alerts: Alert[] }>('GET', '/api/v1/alerts?status=open&rule=weather_drifted');
  assert.deepEqual(
    open.alerts.map((a) => [a.subject, a.status]),
    [[MONITOR, 'open']],
  );
  const decision = await waitFor('the retrain', 180_000, async () => {
    await hook.idle();
    return hook.decisions[0];
  });
  assert.deepEqual(hook.errors, []);

  // Both models scored here on the 2015 hold-out: the new one replaced the old only with the lower log loss.
  const { x, y } = first.holdout;
  const oldLoss = holdoutLogLoss(inService, x, y);
  assert.ok(Math.abs(decision.currentLogLoss - oldLoss) < 1e-9, `${decision.currentLogLoss} vs ${oldLoss}`);
  const now = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact;
  if (decision.chosen === 'candidate') {
    const newLoss = holdoutLogLoss(now, x, y);
    assert.ok(Math.abs(decision.candidateLogLoss - newLoss) < 1e-9, `${decision.candidateLogLoss} vs ${newLoss}`);
    assert.ok(newLoss < oldLoss);
    assert.notEqual(now.trainedAt, inService.trainedAt);
  } else {
    assert.ok(decision.candidateLogLoss >= oldLoss);
    assert.equal(now.trainedAt, inService.trainedAt);
  }
  t.diagnostic(`retrain: ${JSON.stringify(decision)}; hold-out log loss here: old ${oldLoss.toFixed(4)}`);
  assert.equal(decision.chosen, 'candidate', 'the model trained on 2012-2014 beats the one trained on a quarter');

  // The feed is back to normal: once the warm rows have left the monitor's window (the server's clock
  // moves a window ahead rather than the test waiting a minute), 2015 as observed arrives as the newest
  // rows; the monitor's next run finds no drift and the alert resolves.
  clock.skew += WINDOW_MS;
  const t1 = clock.now();
  assert.ok(t1 >= t0 + WINDOW_MS);
  const normal = replayAsRecent(year, t1 - SPAN_MS, SPAN_MS, 0);
  appendObservations(csvPath, normal);
  assert.equal(await materialize(normal), normal.length);
  const calm = await runMonitor();
  assert.equal(calm.status, 'ok', calm.error ?? '');
  assert.ok(
    calm.report.features.every((f) => f.detectionRows === normal.length),
    JSON.stringify(calm.report.features),
  );
  const calmPsi: Record<string, number> = {};
  for (const f of calm.report.features) {
    const want = psi(reference.values(f.feature), await column(entitiesOf(normal), f.feature));
    calmPsi[f.feature] = want;
    assert.ok(Math.abs(f.statistic - want) < 1e-9, `${f.feature}: ${f.statistic} vs ${want}`);
    assert.ok(want < 0.1, `${f.feature}: PSI ${want}`);
  }
  t.diagnostic(`repaired: PSI ${JSON.stringify(calmPsi)}`);
  assert.equal(calm.datasetDrift, false);
  const resolution = await tessera.call<{ resolved: Alert[] }>('POST', '/api/v1/alerts/evaluate');
  assert.deepEqual(
    resolution.resolved.map((a) => [a.rule, a.subject, a.status]),
    [['weather_drifted', MONITOR, 'resolved']],
  );
  const after = await tessera.call<{ alerts: Alert[] }>('GET', '/api/v1/alerts?rule=weather_drifted');
  assert.deepEqual(
    after.alerts.map((a) => a.status),
    ['resolved'],
  );
});
