import { createHttpClient } from '../client/http-client.js';
import type { FeatureStore } from './feature-store.js';
import { getHistoricalFeaturesRemote } from './historical.js';
import { getOnlineFeaturesRemote } from './remote-online.js';
import { PredictionLogger, type PredictionLoggerOptions } from './prediction-logger.js';
import { jsonAnswer, jsonBody } from './remote-wire.js';
import { storeClosed } from './store-closed.js';
import { parseTransformRequest } from './transform-request.js';
import type { TransformResponse } from '../serving/transform-service.js';

export interface ConnectOptions {
  predictionLog?: PredictionLoggerOptions;
  apiKey?: string;
  idleTimeoutMs?: number;
}

/**
 * The same FeatureStore over HTTP, against a running Tessera server, on any port (6566 included: the
 * client is node:http, which applies no port block list). Connections are kept alive and reused;
 * `close()` sends the queued predictions and ends them. `idleTimeoutMs`: a request that hears nothing
 * for that long fails as `unavailable` (default TESSERA_CLIENT_TIMEOUT_MS, else five minutes). Errors
 * are the embedded store's: the same codes and field paths, 'unavailable' once closed, and 'internal'
 * for an answer that is not what a Tessera server sends.
 */
export function connect(url: string, options: ConnectOptions = {}): FeatureStore {
  const { predictionLog, apiKey, idleTimeoutMs } = options ?? {};
  const client = createHttpClient(url, { apiKey, idleTimeoutMs });
  const predictions = new PredictionLogger((batch) => client.json('POST', '/api/v1/prediction-logs', batch), predictionLog);
  let closing: Promise<void> | null = null;
  return {
    getOnlineFeatures: async (request) => {
      if (closing) throw storeClosed();
      return getOnlineFeaturesRemote(client, request);
    },
    getHistoricalFeatures: async (request) => {
      if (closing) throw storeClosed();
      return getHistoricalFeaturesRemote(client, request);
    },
    transform: async (view, rows, opts) => {
      if (closing) throw storeClosed();
      // Checked here as the embedded store checks it, so both give the same error for the same call.
      const { featureView, body } = parseTransformRequest(view, rows, opts);
      const path = `/api/v1/feature-views/${encodeURIComponent(featureView)}/transform`;
      const answer = await client.request('POST', path, { headers: { 'content-type': 'application/json' }, body: jsonBody(body) });
      return jsonAnswer<TransformResponse>(answer, `POST ${path}`);
    },
    logPrediction: (prediction) => {
      if (closing) throw storeClosed();
      return predictions.log(prediction);
    },
    flushPredictions: () => predictions.flush(),
    close() {
      closing ??= (async () => {
        await predictions.close();
        client.close();
      })();
      return closing;
    },
  };
}
