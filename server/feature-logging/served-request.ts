import type { OnlineRecord } from '../online/online-store.js';
import type { FeatureVector } from '../serving/online-response.js';
import type { LogSchema } from './log-schema.js';

/**
 * One answered request, as the online path hands it to the feature log: references to what it
 * already built (answers are read-only). The sink copies the rows it keeps before `offer` returns
 * and holds no reference after.
 */
export interface ServedRequest {
  schema: LogSchema;
  /** The request id the caller got back (`X-Request-Id`); the writer makes one when there is none (SDK calls). */
  requestId: string | undefined;
  /** When it was answered (ms). */
  at: number;
  /** Per schema key: the request's column of key values. */
  keys: readonly unknown[][];
  /** The entity rows kept by sampling, or null for all of them. */
  rows: number[] | null;
  /** How many rows this adds to the log. */
  count: number;
  /** The answer's columns; feature `f` of the schema is `results[offset + f]`. */
  results: readonly FeatureVector[];
  offset: number;
  /** Per view of the plan: the records read, one per entity row (their event times). */
  found: readonly (readonly (OnlineRecord | null)[])[];
}

/** Where the online path sends what it served: never blocks, never throws. */
export interface FeatureLogSink {
  offer(served: ServedRequest): void;
}
