import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../server/paths.js';
import { type ModelArtifact, predict } from './model.js';
import { rainTomorrow, readWeather } from './raw-weather.js';
import { type Tessera, flag, openTessera } from './tessera.js';
import { FEATURE_SERVICE } from './train.js';

/** A day of a location to predict, and when the prediction counts as made. */
export interface ServedDay {
  location: string;
  date: string;
  predictedAt: number;
}

export interface LoggedDay extends ServedDay {
  id: string;
  probability: number;
}

/**
 * Serves the model on past days and logs each prediction: the features are the point-in-time values
 * of each (location, day), as the online store held them that day. `staleDays` plants a serving bug:
 * each day is predicted from the features of that many days earlier (a cache that stopped refreshing).
 */
export async function servePastDays(tessera: Tessera, options: { modelPath: string; days: ServedDay[]; staleDays?: number }): Promise<LoggedDay[]> {
  const artifact = JSON.parse(fs.readFileSync(options.modelPath, 'utf8')) as ModelArtifact;
  const stale = options.staleDays ?? 0;
  const shift = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - stale * 86_400_000).toISOString().slice(0, 10);
  const table = await tessera.store.getHistoricalFeatures({
    featureService: FEATURE_SERVICE,
    entities: { location: options.days.map((d) => d.location), event_timestamp: options.days.map((d) => `${shift(d.date)}T00:00:00Z`) },
  });
  const columns = artifact.columns.map((c) => table.getChild(c)!.toArray() as ArrayLike<number | bigint | null>);
  const locations = table.getChild('location')!.toArray() as ArrayLike<string>;
  const times = table.getChild('event_timestamp')!.toArray() as ArrayLike<number | bigint>;
  const features = new Map<string, number[]>();
  for (let i = 0; i < table.numRows; i++) {
    const t = typeof times[i] === 'bigint' ? Number((times[i] as bigint) / 1000n) : (times[i] as number);
    const row = columns.map((c) => c[i]);
    if (row.every((v) => v !== null && v !== undefined)) features.set(`${locations[i]}|${new Date(t).toISOString().slice(0, 10)}`, row.map(Number));
  }
  const served = options.days.filter((d) => features.has(`${d.location}|${shift(d.date)}`));
  const predictions = served.map((d) => {
    const x = features.get(`${d.location}|${shift(d.date)}`)!;
    const probability = predict(artifact, x);
    return {
      entity: { location: d.location },
      features: Object.fromEntries(artifact.columns.map((c, k) => [c, x[k]])),
      featureVersions: artifact.featureVersions,
      prediction: probability >= 0.5,
      probability,
      predictedAt: d.predictedAt,
    };
  });
  const logged = await tessera.call<{ predictionIds: string[] }>('POST', '/api/v1/prediction-logs', { model: artifact.id, modelVersion: artifact.trainedAt, predictions });
  return served.map((d, i) => ({ ...d, id: logged.predictionIds[i], probability: predictions[i].probability }));
}

/** Posts what happened: whether it rained the next day at each location (from the observations), by prediction id. */
export async function postOutcomes(tessera: Tessera, model: string, logged: LoggedDay[]): Promise<number> {
  const labels = rainTomorrow(readWeather());
  const outcomes = logged
    .filter((d) => labels.get(`${d.location}|${d.date}`) !== null && labels.get(`${d.location}|${d.date}`) !== undefined)
    .map((d) => ({ predictionId: d.id, value: labels.get(`${d.location}|${d.date}`)!, at: d.predictedAt + 86_400_000 }));
  const answer = await tessera.call<{ recorded: number }>('POST', '/api/v1/outcomes', { model, outcomes });
  return answer.recorded;
}

/** 2015 (the hold-out) replayed as the last eight days: its first half over the seven days before yesterday, its second half over the last day. */
export function replayDays(now: number): { baseline: ServedDay[]; recent: ServedDay[] } {
  const labels = rainTomorrow(readWeather());
  const days = readWeather().filter((r) => r.date >= '2015-01-08' && labels.get(`${r.location}|${r.date}`) !== null);
  const spread = (rows: typeof days, from: number, span: number) => rows.map((r, i) => ({ location: r.location, date: r.date, predictedAt: Math.floor(from + ((i + 0.5) * span) / rows.length) }));
  return {
    baseline: spread(
      days.filter((r) => r.date < '2015-07-01'),
      now - 8 * 86_400_000,
      7 * 86_400_000,
    ),
    recent: spread(
      days.filter((r) => r.date >= '2015-07-01'),
      now - 86_400_000,
      86_400_000 - 60_000,
    ),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const modelPath = flag(args, 'model') ?? path.join(packageRoot(), 'models', 'rain-model.json');
  const staleDays = Number(flag(args, 'stale-days') ?? 0);
  const tessera = await openTessera({ url: flag(args, 'url'), dataDir: flag(args, 'data-dir') });
  try {
    const model = (JSON.parse(fs.readFileSync(modelPath, 'utf8')) as ModelArtifact).id;
    const { baseline, recent } = replayDays(Date.now());
    const logged = [...(await servePastDays(tessera, { modelPath, days: baseline })), ...(await servePastDays(tessera, { modelPath, days: recent, staleDays }))];
    console.log(`served ${logged.length} predictions of ${model} (2015 replayed as the last 8 days${staleDays ? `, the last day from ${staleDays}-day-old features` : ''})`);
    console.log(`posted ${await postOutcomes(tessera, model, logged)} outcomes (the next day's rain)`);
    const curve = await tessera.call<{ buckets: { start: string; count: number; accuracy: number; logLoss: number; auc: number | null }[] }>('GET', `/api/v1/models/${model}/performance?bucket=day`);
    console.log('day          count  accuracy  log loss    AUC');
    for (const b of curve.buckets)
      console.log(`${b.start.slice(0, 10)}  ${String(b.count).padStart(5)}  ${b.accuracy.toFixed(3).padStart(8)}  ${b.logLoss.toFixed(4).padStart(8)}  ${b.auc === null ? '  n/a' : b.auc.toFixed(3)}`);
  } finally {
    await tessera.close();
  }
}
