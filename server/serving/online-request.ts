import { z } from '../vendor/zod.cjs';
import type { KeyType } from '../domain/value-type.js';
import { joinKeyOf, joinKeyProblem } from '../domain/join-key-value.js';
import { type FieldError, TesseraError, validationError } from '../errors.js';
import type { KeyValue } from '../online/online-store.js';

/** Feast's get-online-features request, as sent on the wire (its Python and Go servers' fields). */
export interface OnlineRequest {
  features?: string[];
  feature_service?: string | null;
  entities: Record<string, unknown[]>;
  full_feature_names?: boolean;
  include_feature_view_version_metadata?: boolean;
  request_context?: Record<string, unknown[]>;
  tessera_keep_entity_columns?: boolean;
}

export interface ParsedOnlineRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames: boolean;
  /** Feast's `include_feature_view_version_metadata`: the answer lists each view's version. */
  versionMetadata: boolean;
  /** Echo entity columns that are not join keys (Tessera's own flag; Feast drops them). */
  keepEntityColumns: boolean;
  /** Entity columns in the order given. */
  entities: { name: string; values: unknown[] }[];
  /** The Go server's `request_context` columns (request data for on-demand views), as given. */
  requestContext: { name: string; values: unknown[] }[];
  rows: number;
}

const columns = (what: string) =>
  z
    .record(z.string(), z.array(z.unknown()))
    .refine((columns) => {
      const lengths = Object.values(columns).map((c) => c.length);
      return lengths.length > 0 && lengths.every((n) => n === lengths[0]);
    }, 'at least one entity column, and as many values in every column')
    .describe(what);

/**
 * The request's shape as a schema, for the OpenAPI document. `parseOnlineRequest` checks the same
 * shape by hand (the hot path); test/http/openapi.test.ts holds the two to the same verdict on every
 * request it generates. The row limit is configuration, checked by hand only. Fields are those of
 * Feast's Python server (`GetOnlineFeaturesRequest` in feature_server.py) and Go server
 * (`getOnlineFeaturesRequest` in http_server.go); anything else is refused, to catch typos (both
 * Feast servers ignore unknown fields: docs/deviations.md).
 */
export const onlineRequestSchema = z
  .strictObject({
    features: z.array(z.string()).optional().describe('feature references: view:feature, view@N:feature (or @vN, @latest), view:*'),
    feature_service: z.string().nullable().optional(),
    entities: columns(
      'entity keys as columns: {"driver_id": [1001, 1002]}; an entity with one join key may be named instead of its key. Empty columns ({"driver_id": []}) answer the feature names with empty columns',
    ),
    full_feature_names: z.boolean().optional(),
    include_feature_view_version_metadata: z.boolean().optional().describe("Feast's flag: metadata.feature_view_metadata lists each view read and its version"),
    request_context: z
      .record(z.string(), z.array(z.unknown()))
      .optional()
      .describe("Feast Go server's request data for on-demand views: accepted; Tessera has no on-demand views, so nothing reads it"),
    tessera_keep_entity_columns: z.boolean().optional().describe('Tessera only: echo entity columns that are not join keys (Feast drops them)'),
  })
  .meta({ id: 'OnlineFeaturesRequest', description: "Feast's get-online-features request." });

const FIELDS = new Set(['features', 'feature_service', 'entities', 'full_feature_names', 'include_feature_view_version_metadata', 'request_context', 'tessera_keep_entity_columns']);

/**
 * Checks the shape of a request by hand (it is the hot path: this is several times cheaper than a
 * schema library for small bodies) and names the offending field on every error.
 */
export function parseOnlineRequest(body: unknown, maxRows: number): ParsedOnlineRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('(body)', 'expected a JSON object with features (or feature_service) and entities');
  const b = body as Record<string, unknown>;
  for (const key in b) {
    if (!FIELDS.has(key)) throw invalid(key, `unknown field '${key}'`);
  }
  const out: ParsedOnlineRequest = { fullFeatureNames: false, versionMetadata: false, keepEntityColumns: false, entities: [], requestContext: [], rows: 0 };
  if (b.features !== undefined) {
    if (!Array.isArray(b.features)) throw invalid('features', 'expected an array of feature references');
    for (let i = 0; i < b.features.length; i++) if (typeof b.features[i] !== 'string') throw invalid(`features[${i}]`, 'expected a string such as "view:feature"');
    out.features = b.features as string[];
  }
  if (b.feature_service !== undefined && b.feature_service !== null) {
    if (typeof b.feature_service !== 'string') throw invalid('feature_service', 'expected the name of a feature service');
    out.featureService = b.feature_service;
    // Feast's Python client sends `features: []` beside a feature service (its field's default).
    if (out.features?.length === 0) out.features = undefined;
  }
  out.fullFeatureNames = flag(b, 'full_feature_names');
  out.versionMetadata = flag(b, 'include_feature_view_version_metadata');
  out.keepEntityColumns = flag(b, 'tessera_keep_entity_columns');
  if (b.entities === null || typeof b.entities !== 'object' || Array.isArray(b.entities)) throw invalid('entities', 'expected an object of columns: {"driver_id": [1001, 1002]}');
  let rows = -1;
  const entities = b.entities as Record<string, unknown>;
  for (const name in entities) {
    const values = entities[name];
    if (!Array.isArray(values)) throw invalid(`entities.${name}`, 'expected an array of values');
    if (rows < 0) rows = values.length;
    else if (values.length !== rows) throw invalid(`entities.${name}`, `has ${values.length} values, but the other entity columns have ${rows}`);
    out.entities.push({ name, values });
  }
  // Zero rows is a request (answered with empty columns, as Feast's Go server does); no columns is not:
  // both Feast servers fail on it, and it names no join key to answer under.
  if (out.entities.length === 0) throw invalid('entities', 'at least one entity column is required: {"driver_id": [1001]}');
  if (rows > maxRows) throw invalid('entities', `${rows} entity rows is more than the limit of ${maxRows} per request`);
  if (b.request_context !== undefined) {
    const context = b.request_context;
    if (context === null || typeof context !== 'object' || Array.isArray(context)) throw invalid('request_context', 'expected an object of columns: {"val_to_add": [1, 2]}');
    for (const name in context as Record<string, unknown>) {
      const values = (context as Record<string, unknown>)[name];
      if (!Array.isArray(values)) throw invalid(`request_context.${name}`, 'expected an array of values');
      out.requestContext.push({ name, values });
    }
  }
  out.rows = rows;
  return out;
}

function flag(b: Record<string, unknown>, name: string): boolean {
  const value = b[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(name, 'expected true or false');
  return value;
}

/** The key values of one join key column, checked against its type. */
export function keyColumn(request: ParsedOnlineRequest, key: OnlineKey): KeyValue[] {
  // Feast maps an entity's name to its join key when the entity has one key ({"driver": [...]}).
  const column = entityColumn(request, key);
  if (!column) {
    const given = request.entities.map((e) => e.name).join(', ');
    throw new TesseraError('validation', `entity column '${key.name}' is required by the features asked for (given: ${given})`, [{ path: `entities.${key.name}`, message: 'missing' }]);
  }
  const int64 = key.type === 'int64';
  let values = column.values;
  let copied = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // The usual key costs a typeof and is kept as it is; the rule's other forms ("5001") are converted.
    if (int64 ? typeof v === 'number' && Number.isSafeInteger(v) : typeof v === 'string' && v.length > 0) continue;
    const k = joinKeyOf(key.type, v);
    // A null key is refused here, where Feast answers NOT_FOUND (docs/deviations.md).
    if (k === undefined || k === null) throw invalid(`entities.${column.name}[${i}]`, k === null ? 'must not be null: an online read needs every row’s join key' : joinKeyProblem(key.type, v));
    if (k === v) continue;
    // Into a copy, once: the caller's arrays (an SDK caller's own) stay as given, and the answer's echo
    // and the feature log read the key that was looked up.
    if (!copied) {
      values = values.slice();
      column.values = values;
      copied = true;
    }
    values[i] = k;
  }
  return values as KeyValue[];
}

/** A join key the request must carry; `entity` names its entity when that entity has this one key. */
export interface OnlineKey {
  name: string;
  type: KeyType;
  entity?: string;
}

/** The request's column for a join key: by its name, or by its entity's name. */
export function entityColumn(request: ParsedOnlineRequest, key: OnlineKey): { name: string; values: unknown[] } | undefined {
  const entities = request.entities;
  for (let i = 0; i < entities.length; i++) if (entities[i].name === key.name) return entities[i];
  if (key.entity !== undefined) for (let i = 0; i < entities.length; i++) if (entities[i].name === key.entity) return entities[i];
  return undefined;
}

function invalid(path: string, message: string): TesseraError {
  const errors: FieldError[] = [{ path, message }];
  return validationError(`${path}: ${message}`, errors);
}
