import { createHttpClient } from '../client/http-client.js';
import type { FeatureStore } from './feature-store.js';
import { getHistoricalFeaturesRemote } from './historical.js';
import { getOnlineFeaturesRemote } from './remote-online.js';
import { PredictionLogger, type PredictionLoggerOptions } from './prediction-logger.js';

/**
 * The same FeatureStore over HTTP, against a running Tessera server, on any port (6566 included: the
 * client is node:http, which applies no port block list). Connections are kept alive and reused;
 * `close()` sends the queued predictions and ends them. `idleTimeoutMs`: a request that hears nothing
 * for that long fails as `unavailable` (default TESSERA_CLIENT_TIMEOUT_MS, else five minutes).
 */
export function connect(url: string, options: { predictionLog?: PredictionLoggerOptions; apiKey?: string; idleTimeoutMs?: number } = {}): FeatureStore {
  const client = createHttpClient(url, { apiKey: options.apiKey, idleTimeoutMs: options.idleTimeoutMs });
  const predictions = new PredictionLogger((batch) => client.json('POST', '/api/v1/prediction-logs', batch), options.predictionLog);
  return {
    getOnlineFeatures: (request) => getOnlineFeaturesRemote(client, request),
    getHistoricalFeatures: (request) => getHistoricalFeaturesRemote(client, request),
    transform: (view, rows, options = {}) => client.json('POST', `/api/v1/feature-views/${encodeURIComponent(view)}/transform`, { rows, ...options }),
    logPrediction: (prediction) => predictions.log(prediction),
    flushPredictions: () => predictions.flush(),
    async close() {
      await predictions.close();
      client.close();
    },
  };
}
