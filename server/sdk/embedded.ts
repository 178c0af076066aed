import { systemClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { OnlineService } from '../serving/online-service.js';
import type { OnlineRequest } from '../serving/online-request.js';
import type { OnlineResponse } from '../serving/online-response.js';
import { transformRows } from '../serving/transform-service.js';
import { openServices, type Services } from '../services.js';
import { type EmbeddedOptions, embeddedConfig } from './embedded-options.js';
import type { FeatureStore } from './feature-store.js';
import { getHistoricalFeatures } from './historical.js';
import { PredictionLogger } from './prediction-logger.js';
import { parseInput } from '../http/validate.js';
import { predictionBatchSchema } from '../prediction-logs/prediction-log.js';
import { storeClosed } from './store-closed.js';
import { parseTransformRequest } from './transform-request.js';

export type { EmbeddedOptions };

export interface EmbeddedFeatureStore extends FeatureStore {
  /** `getOnlineFeatures` without the Promise: the fastest path, for hot loops. Embedded online store only (else `unsupported`). */
  getOnlineFeaturesSync(request: OnlineRequest): OnlineResponse;
  /** The process's services, for advanced use (historical retrieval, runs). */
  readonly services: Services;
}

/**
 * Opens a data dir in this process: online reads go straight to the online store (the embedded one,
 * online.db, safe beside a running server; or Redis with `onlineUrl`, asynchronously), definitions come from the registry and are refreshed when
 * another process changes them. No HTTP, no server needed. Bad options are 'validation' errors naming
 * the option; once `close()` is called, every call is 'unavailable' (the feature store is closed).
 */
export async function openFeatureStore(options: EmbeddedOptions): Promise<EmbeddedFeatureStore> {
  const { config, refreshMs } = embeddedConfig(options);
  const clock = options.clock ?? systemClock;
  const services = await openServices(config, createLogger('warn', process.stderr), clock);
  const stopWatch = services.catalog.watch(refreshMs, () => undefined);
  const predictions = new PredictionLogger(async (batch) => services.predictionLog.append(parseInput(predictionBatchSchema, batch)), options.predictionLog);
  const online = new OnlineService({ catalog: () => services.catalog.peek()!, store: services.online, clock, maxRows: config.maxOnlineRows, featureLog: services.featureLog });
  // Set when close() starts: the stores underneath are closed (or closing) and answer raw TypeErrors.
  let closing: Promise<void> | null = null;
  return {
    services,
    // Not an async function: a settled promise is cheaper than an async frame on this hot path.
    getOnlineFeatures: (request) => {
      if (closing) return Promise.reject(storeClosed());
      if (!services.online.synchronousReads) return online.get(request);
      try {
        return Promise.resolve(online.getSync(request));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    getOnlineFeaturesSync: (request) => {
      if (closing) throw storeClosed();
      return online.getSync(request);
    },
    getHistoricalFeatures: async (request) => {
      if (closing) throw storeClosed();
      return getHistoricalFeatures(services.historical, request);
    },
    transform: async (view, rows, opts) => {
      if (closing) throw storeClosed();
      const { featureView, body } = parseTransformRequest(view, rows, opts);
      return transformRows(await services.catalog.get(), services.runs, featureView, body, config.maxOnlineRows);
    },
    logPrediction: (prediction) => {
      if (closing) throw storeClosed();
      return predictions.log(prediction);
    },
    flushPredictions: () => predictions.flush(),
    close() {
      closing ??= (async () => {
        await predictions.close();
        stopWatch();
        await services.close();
      })();
      return closing;
    },
  };
}
