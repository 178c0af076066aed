import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Table } from '../../server/vendor/arrow.cjs';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../server/paths.js';
import { fitTree } from '../ml/decision-tree.js';
import { fitLogistic } from '../ml/logistic-regression.js';
import { accuracy, auc, logLoss } from '../ml/metrics.js';
import { type ModelArtifact, predict } from './model.js';
import { rainTomorrow, readWeather } from './raw-weather.js';
import { type Tessera, flag, openTessera } from './tessera.js';

export const FEATURE_SERVICE = 'rain_model';
/** Rows before this date train the models; the rest (2015) is the hold-out. */
export const SPLIT_DATE = '2015-01-01';

export interface TrainingResult {
  artifact: ModelArtifact;
  datasetName: string;
  /** The training rows as fetched: location, event_timestamp, rain_tomorrow, then the features. */
  table: Table;
  metrics: ModelArtifact['metrics'];
  /** The 2015 hold-out rows (features in `artifact.columns` order): a retrain compares models on them. */
  holdout: { x: number[][]; y: number[] };
}

/**
 * The training pipeline: apply the weather definitions, materialize, label each (location, day) with
 * "rain tomorrow", fetch point-in-time features for those rows, save them as a training dataset, train
 * a logistic regression and a decision tree, compare both with the majority class on the 2015
 * hold-out, and write the better model (by log loss) as a JSON artifact.
 */
export async function trainRainModel(tessera: Tessera, options: { modelPath: string; datasetName?: string; log?: (line: string) => void; trainFrom?: string }): Promise<TrainingResult> {
  const log = options.log ?? (() => {});
  const bundle = parseYaml(fs.readFileSync(path.join(packageRoot(), 'feature-definitions', 'weather.yaml'), 'utf8'));
  await tessera.call('POST', '/api/v1/apply', bundle);
  const run = await tessera.call<{ status: string; rowsOut: number; error: string | null }>('POST', '/api/v1/feature-views/weather_daily/materialize?wait=true', {});
  if (run.status !== 'succeeded') throw new Error(`materialization failed: ${run.error}`);
  log(`materialized weather_daily: ${run.rowsOut} new rows`);

  // Entity rows: every (location, day) whose next day is known; the label rides along.
  const raw = readWeather();
  const labels = rainTomorrow(raw);
  const rows = raw.filter((r) => labels.get(`${r.location}|${r.date}`) !== null);
  const entities = {
    location: rows.map((r) => r.location),
    event_timestamp: rows.map((r) => `${r.date}T00:00:00Z`),
    rain_tomorrow: rows.map((r) => labels.get(`${r.location}|${r.date}`)!),
  };
  const table = await tessera.store.getHistoricalFeatures({ featureService: FEATURE_SERVICE, entities });
  const datasetName = options.datasetName ?? `rain_training_${Date.now()}`;
  const saved = await tessera.call<{ rows: number; featureViews: { featureView: string; version: number }[] }>('POST', '/api/v1/training-datasets', {
    name: datasetName,
    feature_service: FEATURE_SERVICE,
    entities,
  });
  log(`training dataset ${datasetName}: ${saved.rows} rows`);

  const columns = table.schema.fields.map((f) => f.name).filter((n) => !['location', 'event_timestamp', 'rain_tomorrow'].includes(n));
  const matrix = columns.map((c) => table.getChild(c)!.toArray() as ArrayLike<number | bigint | null>);
  const dates = table.getChild('event_timestamp')!.toArray() as ArrayLike<number | bigint>;
  const label = table.getChild('rain_tomorrow')!.toArray() as ArrayLike<number | bigint>;
  const split = Date.parse(`${SPLIT_DATE}T00:00:00Z`);
  // `trainFrom`: train on a later part of the years before the hold-out only (the retrain loop's older model).
  const first = options.trainFrom ? Date.parse(`${options.trainFrom}T00:00:00Z`) : Number.NEGATIVE_INFINITY;
  const train = { x: [] as number[][], y: [] as number[] };
  const test = { x: [] as number[][], y: [] as number[] };
  for (let i = 0; i < table.numRows; i++) {
    // A row without features (the first day of a location has no earlier row) cannot be used.
    const x = matrix.map((col) => col[i]);
    if (x.some((v) => v === null || v === undefined)) continue;
    const at = toMs(dates[i]);
    if (at < first) continue;
    const part = at < split ? train : test;
    // One-hot columns are int64 (bigint in Arrow JS): the models read numbers.
    part.x.push(x.map(Number));
    part.y.push(Number(label[i]));
  }

  const positiveShare = train.y.reduce((a, b) => a + b, 0) / train.y.length;
  const majority = positiveShare >= 0.5 ? 1 : 0;
  const logistic = fitLogistic(train.x, train.y);
  const tree = fitTree(train.x, train.y, { maxDepth: 4, minLeaf: 25 });
  const score = (p: number[]) => ({ accuracy: accuracy(test.y, p), logLoss: logLoss(test.y, p), auc: auc(test.y, p) });
  const artifactOf = (model: ModelArtifact['model'], id: string): ModelArtifact => ({
    id,
    featureService: FEATURE_SERVICE,
    columns,
    model,
    featureVersions: Object.fromEntries(saved.featureViews.map((v) => [v.featureView, v.version])),
    trainingDataset: datasetName,
    trainedAt: new Date().toISOString(),
    metrics: {},
  });
  const candidates = [artifactOf(logistic, 'rain_logistic'), artifactOf(tree, 'rain_tree')];
  const metrics: ModelArtifact['metrics'] = {
    // The baseline predicts the majority class, with the training share of rain as its probability.
    majority_baseline: {
      ...score(test.y.map(() => (majority ? positiveShare : positiveShare))),
      accuracy: accuracy(
        test.y,
        test.y.map(() => majority),
      ),
    },
  };
  for (const c of candidates) metrics[c.id] = score(test.x.map((row) => predict(c, row)));
  const best = candidates.reduce((a, b) => (metrics[b.id].logLoss < metrics[a.id].logLoss ? b : a));
  const artifact = { ...best, metrics };
  fs.mkdirSync(path.dirname(options.modelPath), { recursive: true });
  fs.writeFileSync(options.modelPath, `${JSON.stringify(artifact, null, 2)}\n`);
  log(`train ${train.y.length} rows (rain share ${positiveShare.toFixed(3)}), hold-out ${test.y.length} rows (${SPLIT_DATE} on)`);
  log(formatMetrics(metrics));
  log(`chose ${artifact.id} (lowest log loss), written to ${options.modelPath}`);
  return { artifact, datasetName, table, metrics, holdout: test };
}

export function formatMetrics(metrics: ModelArtifact['metrics']): string {
  const lines = ['model                 accuracy  log loss    AUC'];
  for (const [name, m] of Object.entries(metrics)) lines.push(`${name.padEnd(20)}  ${m.accuracy.toFixed(3).padStart(8)}  ${m.logLoss.toFixed(4).padStart(8)}  ${m.auc.toFixed(3).padStart(5)}`);
  return lines.join('\n');
}

function toMs(v: number | bigint): number {
  // Arrow timestamps come back as ms numbers (or bigint micros from some readers).
  return typeof v === 'bigint' ? Number(v / 1000n) : v;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const tessera = await openTessera({ url: flag(args, 'url'), dataDir: flag(args, 'data-dir') });
  try {
    await trainRainModel(tessera, { modelPath: flag(args, 'model') ?? path.join(packageRoot(), 'models', 'rain-model.json'), log: (line) => console.log(line) });
  } finally {
    await tessera.close();
  }
}
