import path from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { OnlineService } from '../serving/online-service.js';
import type { OnlineRequest } from '../serving/online-request.js';
import type { OnlineResponse } from '../serving/online-service.js';
import { transformRows } from '../serving/transform-service.js';
import { openServices, type Services } from '../services.js';
import type { FeatureStore } from './feature-store.js';
import { getHistoricalFeatures } from './historical.js';
import { PredictionLogger, type PredictionLoggerOptions } from './prediction-logger.js';
import { parseInput } from '../http/validate.js';
import { predictionBatchSchema } from '../prediction-logs/prediction-log.js';

export interface EmbeddedOptions {
  /** The data dir a Tessera server (or `tessera apply` + `materialize`) writes. */
  dataDir: string;
  /** Most entity rows per request (default 1000). */
  maxRows?: number;
  /** How often to look for definition changes made by other processes (default 1000 ms). */
  refreshMs?: number;
  clock?: Clock;
  /**
   * The online store behind a URL (`redis://...`), as `TESSERA_ONLINE_URL` for a server; unset =
   * `<dataDir>/online.db`. Over Redis `getOnlineFeatures` works; `getOnlineFeaturesSync` throws
   * `unsupported` (it needs the embedded store).
   */
  onlineUrl?: string;
  /** Batching of `logPrediction` (written to this data dir's prediction log, in this process). */
  predictionLog?: PredictionLoggerOptions;
}

export interface EmbeddedFeatureStore extends FeatureStore {
  /** `getOnlineFeatures` without the Promise: the fastest path, for hot loops. Embedded online store only (else `unsupported`). */
  getOnlineFeaturesSync(request: OnlineRequest): OnlineResponse;
  /** The process's services, for advanced use (historical retrieval, runs). */
  readonly services: Services;
}

/**
 * Opens a data dir in this process: online reads go straight to the online store (the embedded one,
 * online.db, safe beside a running server; or Redis with `onlineUrl`, asynchronously), definitions come from the registry and are refreshed when
 * another process changes them. No HTTP, no server needed.
 */
export async function openFeatureStore(options: EmbeddedOptions): Promise<EmbeddedFeatureStore> {
  const config = loadConfig({ dataDir: path.resolve(options.dataDir), maxOnlineRows: options.maxRows, logLevel: 'warn', onlineUrl: options.onlineUrl }, {});
  const clock = options.clock ?? systemClock;
  const services = await openServices(config, createLogger('warn', process.stderr), clock);
  const stopWatch = services.catalog.watch(options.refreshMs ?? 1000, () => undefined);
  const predictions = new PredictionLogger(async (batch) => services.predictionLog.append(parseInput(predictionBatchSchema, batch)), options.predictionLog);
  const online = new OnlineService({ catalog: () => services.catalog.peek()!, store: services.online, clock, maxRows: config.maxOnlineRows, featureLog: services.featureLog });
  return {
    services,
    // Not an async function: a settled promise is cheaper than an async frame on this hot path.
    getOnlineFeatures: (request) => {
      if (!services.online.synchronousReads) return online.get(request);
      try {
        return Promise.resolve(online.getSync(request));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    },
    getOnlineFeaturesSync: (request) => online.getSync(request),
    getHistoricalFeatures: (request) => getHistoricalFeatures(services.historical, request),
    transform: async (view, rows, opts = {}) => transformRows(await services.catalog.get(), services.runs, view, { rows, version: opts.version }, config.maxOnlineRows),
    logPrediction: (prediction) => predictions.log(prediction),
    flushPredictions: () => predictions.flush(),
    async close() {
      await predictions.close();
      stopWatch();
      await services.close();
    },
  };
}
