import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../server/paths.js';
import { type ModelArtifact, checkColumns, predict } from './model.js';
import { FEATURE_SERVICE } from './train.js';
import { type Tessera, flag, openTessera } from './tessera.js';

export interface PredictionOutcome {
  location: string;
  status: 'ok' | 'failed';
  probability: number | null;
  features: Record<string, number | null>;
  error?: string;
}

/**
 * The inference pipeline: load the model, read the online features of each location through the
 * feature service, predict the chance of rain tomorrow, and log every prediction (failures too, as
 * `failed`) with its feature values, feature versions and model id.
 */
export async function predictRain(tessera: Tessera, options: { modelPath: string; locations: string[]; log?: (line: string) => void }): Promise<PredictionOutcome[]> {
  const log = options.log ?? (() => {});
  const artifact = JSON.parse(fs.readFileSync(options.modelPath, 'utf8')) as ModelArtifact;
  const answer = await tessera.store.getOnlineFeatures({ feature_service: FEATURE_SERVICE, entities: { location: options.locations } });
  const names = answer.metadata.feature_names.slice(1);
  const versions = await servedVersions(tessera);
  let mismatch: string | null = null;
  try {
    checkColumns(artifact, names);
  } catch (e) {
    mismatch = (e as Error).message;
  }
  const outcomes = options.locations.map((location, i): PredictionOutcome => {
    const features = Object.fromEntries(names.map((n, k) => [n, answer.results[k + 1].values[i] as number | null]));
    const missing = names.filter((_, k) => answer.results[k + 1].statuses[i] === 'NOT_FOUND' || answer.results[k + 1].statuses[i] === 'NULL_VALUE');
    const error = mismatch ?? (missing.length ? `no value for ${missing.length === names.length ? `location '${location}' (unknown)` : missing.join(', ')}` : null);
    if (error) return { location, status: 'failed', probability: null, features, error };
    return {
      location,
      status: 'ok',
      probability: predict(
        artifact,
        names.map((n) => Number(features[n])),
      ),
      features,
    };
  });
  // Through the SDK's batching client: logPrediction never waits on the network; the batch goes out on
  // an interval (or now, with flushPredictions) and is retried with the same ids if the server is away.
  for (const o of outcomes) {
    tessera.store.logPrediction({
      model: artifact.id,
      modelVersion: artifact.trainedAt,
      entity: { location: o.location },
      features: o.features,
      featureVersions: versions,
      prediction: o.probability === null ? null : o.probability >= 0.5,
      probability: o.probability,
      status: o.status,
      ...(o.error ? { error: o.error } : {}),
    });
  }
  await tessera.store.flushPredictions();
  for (const o of outcomes) log(o.status === 'ok' ? `${o.location}: ${(o.probability! * 100).toFixed(1)}% chance of rain tomorrow` : `${o.location}: no prediction (${o.error})`);
  return outcomes;
}

/** The versions of the views the feature service reads now (what the online answer came from). */
async function servedVersions(tessera: Tessera): Promise<Record<string, number>> {
  const view = await tessera.call<{ name: string; latestVersion: number }>('GET', '/api/v1/feature-views/weather_daily');
  return { [view.name]: view.latestVersion };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const tessera = await openTessera({ url: flag(args, 'url'), dataDir: flag(args, 'data-dir') });
  try {
    const locations = (flag(args, 'location') ?? 'Seattle,New York').split(',');
    const outcomes = await predictRain(tessera, { modelPath: flag(args, 'model') ?? path.join(packageRoot(), 'models', 'rain-model.json'), locations, log: (line) => console.log(line) });
    const logged = await tessera.call<{ predictions: unknown[] }>(
      'GET',
      `/api/v1/prediction-logs?model=${JSON.parse(fs.readFileSync(flag(args, 'model') ?? path.join(packageRoot(), 'models', 'rain-model.json'), 'utf8')).id}`,
    );
    console.log(`prediction log now holds ${logged.predictions.length} predictions of this model`);
    process.exitCode = outcomes.every((o) => o.status === 'ok') ? 0 : 1;
  } finally {
    await tessera.close();
  }
}
