import { formatTimestamp } from '../domain/time.js';
import type { LoggedPrediction } from './prediction-log.js';

/**
 * One logged prediction as the journal (a JSON line) and the Parquet files hold it: flat columns, the
 * variable parts (entity, features, versions, prediction) as JSON text so every model shares one schema.
 */
export interface LogRow {
  id: string;
  model: string;
  model_version: string;
  /** Epoch ms. */
  logged_at: number;
  predicted_at: number;
  entity: string;
  entity_key: string;
  features: string;
  feature_versions: string;
  prediction: string;
  probability: number | null;
  status: 'ok' | 'failed';
  error: string | null;
  /**
   * In memory only (not a column): false when the server made the id. A caller's id may come again in
   * a retry to another process, so only those are claimed at publishing (rows replayed from a journal
   * do not know, and count as the caller's).
   */
  given?: boolean;
}

/** The columns in file order, with their DuckDB types (reading the journal's JSON lines, writing Parquet). */
export const LOG_COLUMNS: [keyof LogRow, string][] = [
  ['id', 'VARCHAR'],
  ['model', 'VARCHAR'],
  ['model_version', 'VARCHAR'],
  ['logged_at', 'BIGINT'],
  ['predicted_at', 'BIGINT'],
  ['entity', 'VARCHAR'],
  ['entity_key', 'VARCHAR'],
  ['features', 'VARCHAR'],
  ['feature_versions', 'VARCHAR'],
  ['prediction', 'VARCHAR'],
  ['probability', 'DOUBLE'],
  ['status', 'VARCHAR'],
  ['error', 'VARCHAR'],
];

/**
 * The key reads filter on: the entity's values in the order of their names, joined by `|`
 * (`{customer_id: 'c1'}` is `c1`; `{store: 3, sku: 'a'}` is `a|3`).
 */
export function entityKey(entity: Record<string, string | number>): string {
  const names = Object.keys(entity);
  // Most entities have one key: no sort, no array of values.
  if (names.length === 1) return String(entity[names[0]]);
  return names
    .sort()
    .map((k) => String(entity[k]))
    .join('|');
}

/**
 * The middle of the journal lines of one batch's rows, which share model, version and log time (from
 * the end of the id to `"predicted_at":`): an append makes it once, not once a row.
 */
export function lineShared(model: string, modelVersion: string, loggedAt: number): string {
  return `","model":${JSON.stringify(model)},"model_version":${JSON.stringify(modelVersion)},"logged_at":${loggedAt},"predicted_at":`;
}

/**
 * A row as its journal line (JSON and a newline), written out by hand: the one serialisation an append
 * makes. `id` is a lower-case UUID and `status` one of two words, so neither needs escaping. `shared`
 * is `lineShared` of the row's model, version and log time.
 */
export function rowLine(r: LogRow, shared = lineShared(r.model, r.model_version, r.logged_at)): string {
  return lineOf(r.id, shared, r.predicted_at, r.entity, r.entity_key, r.features, r.feature_versions, JSON.stringify(r.prediction), r.probability, r.status, r.error);
}

/**
 * `JSON.stringify(JSON.stringify(v))` for a prediction (a JSON scalar): its JSON text as a JSON string,
 * as a line holds it. Booleans, null and numbers need neither call (a finite number's JSON text is
 * `String(n)`); strings take both.
 */
export function quotedScalar(v: string | number | boolean | null): string {
  if (v === true) return '"true"';
  if (v === false) return '"false"';
  if (v === null) return '"null"';
  if (typeof v === 'number') return `"${v}"`;
  return JSON.stringify(JSON.stringify(v));
}

/** `rowLine` from the row's parts (an append has them as values, not as a row object); `quotedPrediction` is `quotedScalar` of the prediction. */
export function lineOf(
  id: string,
  shared: string,
  predictedAt: number,
  entity: string,
  key: string,
  features: string,
  versions: string,
  quotedPrediction: string,
  probability: number | null,
  status: string,
  error: string | null,
): string {
  return `{"id":"${id}${shared}${predictedAt},"entity":${JSON.stringify(entity)},"entity_key":${JSON.stringify(key)},"features":${JSON.stringify(features)},"feature_versions":${JSON.stringify(versions)},"prediction":${quotedPrediction},"probability":${probability === null ? 'null' : probability},"status":"${status}","error":${error === null ? 'null' : JSON.stringify(error)}}\n`;
}

/** A row as reads answer it. */
export function presentRow(r: LogRow): LoggedPrediction {
  return {
    id: r.id,
    model: r.model,
    modelVersion: r.model_version,
    loggedAt: formatTimestamp(r.logged_at),
    predictedAt: formatTimestamp(r.predicted_at),
    entity: JSON.parse(r.entity),
    entityKey: r.entity_key,
    features: JSON.parse(r.features),
    featureVersions: JSON.parse(r.feature_versions),
    prediction: JSON.parse(r.prediction),
    probability: r.probability,
    status: r.status,
    error: r.error,
  };
}

/** Newest first: by loggedAt, then id (UUIDv7 ids sort by creation within one millisecond). */
export function newestFirst(a: LogRow, b: LogRow): number {
  return b.logged_at - a.logged_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
