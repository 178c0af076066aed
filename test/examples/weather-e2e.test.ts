import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkColumns, type ModelArtifact } from '../../examples/weather/model.js';
import { predictRain } from '../../examples/weather/predict.js';
import { readWeather, type WeatherRow } from '../../examples/weather/raw-weather.js';
import { openTessera, type Tessera } from '../../examples/weather/tessera.js';
import { type TrainingResult, trainRainModel } from '../../examples/weather/train.js';
import { tempDir } from '../support/temp-dir.js';

let tessera: Tessera;
let trained: TrainingResult;
let modelPath: string;
const raw = readWeather();
/**
 * What the pipeline writes for each raw row, by `location|date`, computed here from the raw file and
 * feature-definitions/weather.yaml with the formulas of docs/transforms.md (fitted on the whole file, the
 * first run's rows). The file has no missing value, so the imputes change nothing.
 */
const expected = new Map<string, Record<string, number>>();

/** numpy.quantile's default (linear) method, as docs/transforms.md writes it. */
function quantile(sorted: number[], q: number): number {
  const h = q * (sorted.length - 1);
  const i = Math.floor(h);
  const t = h - i;
  const a = sorted[i];
  const b = sorted[Math.min(i + 1, sorted.length - 1)];
  return t < 0.5 ? a + (b - a) * t : b - (b - a) * (1 - t);
}

function handTransform(rows: WeatherRow[]): void {
  for (const r of rows)
    for (const f of ['precipitation', 'temp_max', 'temp_min', 'wind'] as const) assert.ok(Number.isFinite(r[f]), `${r.location} ${r.date} ${f} is missing: the imputes would matter`);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  const standard = (f: 'temp_max' | 'temp_min') => {
    const xs = rows.map((r) => r[f]);
    const [m, sd] = [mean(xs), std(xs)];
    return (x: number) => (x - m) / sd;
  };
  const [tempMax, tempMin] = [standard('temp_max'), standard('temp_min')];
  const winds = rows.map((r) => r.wind).sort((a, b) => a - b);
  const [median, iqr] = [quantile(winds, 0.5), quantile(winds, 0.75) - quantile(winds, 0.25)];
  // One-hot: categories most frequent first (ties by code point), columns `weather__<slug>`.
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.weather, (counts.get(r.weather) ?? 0) + 1);
  const categories = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([c]) => c);
  assert.ok(categories.length <= 5, 'maxCategories 5 keeps every category');
  for (const r of rows) {
    const out: Record<string, number> = {
      precipitation: Math.log1p(r.precipitation),
      temp_max: tempMax(r.temp_max),
      temp_min: tempMin(r.temp_min),
      wind: (r.wind - median) / iqr,
    };
    for (const c of categories) out[`weather__${c}`] = r.weather === c ? 1 : 0;
    expected.set(`${r.location}|${r.date}`, out);
  }
}

/** Numbers within rounding of the summation order; the same columns. */
function assertClose(actual: Record<string, number>, want: Record<string, number>, what: string): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(want).sort(), what);
  for (const [k, v] of Object.entries(want)) assert.ok(Math.abs(actual[k] - v) <= 1e-9 * Math.max(1, Math.abs(v)), `${what} ${k}: ${actual[k]}, by hand ${v}`);
}

before(async () => {
  const dir = tempDir();
  modelPath = path.join(dir, 'model.json');
  tessera = await openTessera({ dataDir: path.join(dir, 'data') });
  trained = await trainRainModel(tessera, { modelPath, datasetName: 'rain_e2e' });
  handTransform(raw);
});
after(() => tessera.close());

const num = (v: unknown) => (typeof v === 'bigint' ? Number(v) : (v as number));
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

test('the training dataset has no feature value from after its entity time, row by row against the raw file', () => {
  const { table } = trained;
  const columns = trained.artifact.columns;
  assert.equal(table.numRows, raw.length - 2, 'every (location, day) with a known next day, once');
  assert.deepEqual([...columns].sort(), Object.keys(expected.values().next().value!).sort(), 'the dataset has exactly the columns worked out by hand');
  let differsFromTomorrow = 0;
  for (let i = 0; i < table.numRows; i++) {
    const location = table.getChild('location')!.get(i) as string;
    const date = new Date(num(table.getChild('event_timestamp')!.get(i))).toISOString().slice(0, 10);
    const today = expected.get(`${location}|${date}`)!;
    const tomorrow = expected.get(`${location}|${nextDay(date)}`)!;
    for (const c of columns) {
      const value = num(table.getChild(c)!.get(i));
      assert.ok(Math.abs(value - today[c]) <= 1e-9 * Math.max(1, Math.abs(today[c])), `${location} ${date} ${c}: ${value} is not the value of ${date} (${today[c]})`);
      if (today[c] !== tomorrow[c]) differsFromTomorrow++;
    }
    // The label is tomorrow's rain, from the raw file.
    const rainTomorrow = raw.find((r) => r.location === location && r.date === nextDay(date))!.precipitation > 0 ? 1 : 0;
    assert.equal(num(table.getChild('rain_tomorrow')!.get(i)), rainTomorrow);
  }
  assert.ok(differsFromTomorrow > table.numRows, 'the check compares values that do change from day to day');
});

test('both models beat the majority-class baseline on the 2015 hold-out', () => {
  const m = trained.metrics;
  for (const model of ['rain_logistic', 'rain_tree']) {
    assert.ok(m[model].logLoss < m.majority_baseline.logLoss, `${model} log loss ${m[model].logLoss} is not below the baseline's ${m.majority_baseline.logLoss}`);
    assert.ok(m[model].accuracy > m.majority_baseline.accuracy, `${model} accuracy ${m[model].accuracy} is not above the baseline's ${m.majority_baseline.accuracy}`);
    assert.ok(m[model].auc > 0.6, `${model} AUC ${m[model].auc}`);
  }
  const saved = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact;
  assert.equal(saved.trainingDataset, 'rain_e2e');
  assert.deepEqual(saved.featureVersions, { weather_daily: 1 });
});

test('inference reads online features equal to the transform of the latest raw row, and logs every prediction', async () => {
  const outcomes = await predictRain(tessera, { modelPath, locations: ['Seattle', 'New York', 'Paris'] });
  const latest = (location: string): WeatherRow => raw.filter((r) => r.location === location).at(-1)!;
  for (const o of outcomes.slice(0, 2)) {
    assert.equal(o.status, 'ok');
    assertClose(o.features as Record<string, number>, expected.get(`${o.location}|${latest(o.location).date}`)!, o.location);
    assert.ok(o.probability! > 0 && o.probability! < 1);
  }
  assert.equal(outcomes[2].status, 'failed');
  assert.match(outcomes[2].error!, /unknown/);
  const logged = await tessera.call<{
    predictions: { entity: { location: string }; status: string; probability: number | null; features: Record<string, number>; featureVersions: Record<string, number> }[];
  }>('GET', `/api/v1/prediction-logs?model=${trained.artifact.id}&order=asc`);
  assert.deepEqual(
    logged.predictions.map((p) => [p.entity.location, p.status, p.probability]),
    outcomes.map((o) => [o.location, o.status, o.probability]),
  );
  assert.deepEqual(logged.predictions[0].features, outcomes[0].features);
  assert.deepEqual(logged.predictions[0].featureVersions, { weather_daily: 1 });
});

test('a model that does not match the feature service, or a missing feature, is an error and never a logged success', async () => {
  const wrong = { ...trained.artifact, id: 'rain_wrong_columns', columns: [...trained.artifact.columns].reverse() };
  assert.throws(() => checkColumns(wrong, trained.artifact.columns), /retrain it/);
  const wrongPath = path.join(path.dirname(modelPath), 'wrong.json');
  fs.writeFileSync(wrongPath, JSON.stringify(wrong));
  const outcomes = await predictRain(tessera, { modelPath: wrongPath, locations: ['Seattle'] });
  assert.equal(outcomes[0].status, 'failed');
  assert.match(outcomes[0].error!, /reads \[/);

  // A store that answers without one feature (NULL_VALUE): the prediction fails and is logged as such.
  const real = tessera.store;
  const partial = {
    ...tessera,
    store: {
      ...real,
      getOnlineFeatures: async (request: Parameters<typeof real.getOnlineFeatures>[0]) => {
        const answer = await real.getOnlineFeatures(request);
        answer.results[2] = { ...answer.results[2], values: [null], statuses: ['NULL_VALUE'] };
        return answer;
      },
    },
  };
  const missing = await predictRain(partial, { modelPath, locations: ['Seattle'] });
  assert.equal(missing[0].status, 'failed');
  assert.match(missing[0].error!, new RegExp(`no value for ${trained.artifact.columns[1]}`));
  const logged = await tessera.call<{ predictions: { status: string }[] }>('GET', `/api/v1/prediction-logs?model=rain_wrong_columns`);
  assert.deepEqual(
    logged.predictions.map((p) => p.status),
    ['failed'],
  );
  const ok = await tessera.call<{ predictions: { status: string }[] }>('GET', `/api/v1/prediction-logs?model=${trained.artifact.id}&status=ok`);
  // The earlier test logged two successes for this model (Seattle and New York).
  assert.ok(ok.predictions.length >= 2, JSON.stringify(ok.predictions));
  assert.ok(ok.predictions.every((p) => p.status === 'ok'));
});
