import type { Table } from '../vendor/arrow.cjs';
import type { OnlineRequest } from '../serving/online-request.js';
import type { HistoricalRequest } from './historical.js';
import type { PredictionInput } from './prediction-logger.js';
import type { OnlineResponse } from '../serving/online-response.js';
import type { TransformResponse } from '../serving/transform-service.js';

export type { HistoricalRequest, OnlineRequest, OnlineResponse, TransformResponse };

/**
 * What a Node inference service uses: the same request and answer shapes as the HTTP API
 * (Feast's, for online features), in process (`openFeatureStore`) or over HTTP (`connect`).
 */
export interface FeatureStore {
  /**
   * The latest features per entity row, with statuses; Feast's column-major answer. An int64 key or
   * value beyond ±(2^53 - 1) is a BigInt (exact), within it a number; keys may be given as BigInts.
   */
  getOnlineFeatures(request: OnlineRequest): Promise<OnlineResponse>;
  /** Point-in-time feature rows for entity rows (keys + `event_timestamp` + labels), as an Arrow table. */
  getHistoricalFeatures(request: HistoricalRequest): Promise<Table>;
  /** Raw values through a version's frozen transforms: what the pipeline would write for them. */
  transform(featureView: string, rows: Record<string, unknown>[], options?: { version?: number }): Promise<TransformResponse>;
  /**
   * Queues a prediction for the prediction log and returns its id at once; batches go to the log per
   * model and version on an interval, when large, on `flushPredictions` and on `close`.
   */
  logPrediction(prediction: PredictionInput): string;
  /** Sends the queued predictions; resolves once they are logged (failures go to `onError`). */
  flushPredictions(): Promise<void>;
  /** Flushes the queued predictions, then releases the store. */
  close(): Promise<void>;
}
