import fs from 'node:fs';
import { type ModelArtifact, predict } from './model.js';
import { rainTomorrow, readWeather } from './raw-weather.js';
import type { Tessera } from './tessera.js';
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
