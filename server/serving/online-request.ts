import { z } from 'zod';
import type { KeyType } from '../domain/value-type.js';
import { describeValue, type FieldError, TesseraError, validationError } from '../errors.js';
import type { KeyValue } from '../online/online-store.js';

/** Feast's get-online-features request, as sent on the wire. */
export interface OnlineRequest {
  features?: string[];
  feature_service?: string;
  entities: Record<string, unknown[]>;
  full_feature_names?: boolean;
}

export interface ParsedOnlineRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames: boolean;
  /** Entity columns in the order given. */
  entities: { name: string; values: unknown[] }[];
  rows: number;
}

/**
 * The request's shape as a schema, for the OpenAPI document. `parseOnlineRequest` checks the same
 * shape by hand (the hot path); test/serving/online-request-schema.test.ts holds the two to the same
 * verdict on every request it generates. The row limit is configuration, checked by hand only.
 */
export const onlineRequestSchema = z
  .strictObject({
    features: z.array(z.string()).optional().describe('feature references: view:feature, view@N:feature, view:*'),
    feature_service: z.string().optional(),
    entities: z
      .record(z.string(), z.array(z.unknown()))
      .refine((columns) => {
        const lengths = Object.values(columns).map((c) => c.length);
        return lengths.length > 0 && lengths[0] > 0 && lengths.every((n) => n === lengths[0]);
      }, 'at least one entity row, and as many values in every column')
      .describe('entity keys as columns: {"driver_id": [1001, 1002]}'),
    full_feature_names: z.boolean().optional(),
  })
  .meta({ id: 'OnlineFeaturesRequest', description: "Feast's get-online-features request." });

/**
 * Checks the shape of a request by hand (it is the hot path: this is several times cheaper than a
 * schema library for small bodies) and names the offending field on every error.
 */
export function parseOnlineRequest(body: unknown, maxRows: number): ParsedOnlineRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('(body)', 'expected a JSON object with features (or feature_service) and entities');
  const b = body as Record<string, unknown>;
  for (const key in b) {
    if (key !== 'features' && key !== 'feature_service' && key !== 'entities' && key !== 'full_feature_names') throw invalid(key, `unknown field '${key}'`);
  }
  const out: ParsedOnlineRequest = { fullFeatureNames: false, entities: [], rows: 0 };
  if (b.features !== undefined) {
    if (!Array.isArray(b.features)) throw invalid('features', 'expected an array of feature references');
    for (let i = 0; i < b.features.length; i++) if (typeof b.features[i] !== 'string') throw invalid(`features[${i}]`, 'expected a string such as "view:feature"');
    out.features = b.features as string[];
  }
  if (b.feature_service !== undefined) {
    if (typeof b.feature_service !== 'string') throw invalid('feature_service', 'expected the name of a feature service');
    out.featureService = b.feature_service;
  }
  if (b.full_feature_names !== undefined) {
    if (typeof b.full_feature_names !== 'boolean') throw invalid('full_feature_names', 'expected true or false');
    out.fullFeatureNames = b.full_feature_names;
  }
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
  if (out.entities.length === 0 || rows === 0) throw invalid('entities', 'at least one entity row is required');
  if (rows > maxRows) throw invalid('entities', `${rows} entity rows is more than the limit of ${maxRows} per request`);
  out.rows = rows;
  return out;
}

/** The key values of one join key column, checked against its type. */
export function keyColumn(request: ParsedOnlineRequest, key: { name: string; type: KeyType }): KeyValue[] {
  const column = request.entities.find((e) => e.name === key.name);
  if (!column) {
    const given = request.entities.map((e) => e.name).join(', ');
    throw new TesseraError('validation', `entity column '${key.name}' is required by the features asked for (given: ${given})`, [{ path: `entities.${key.name}`, message: 'missing' }]);
  }
  const values = column.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = key.type === 'int64' ? typeof v === 'number' && Number.isSafeInteger(v) : typeof v === 'string';
    if (!ok) throw invalid(`entities.${key.name}[${i}]`, `expected ${key.type === 'int64' ? 'an integer' : 'a string'}, got ${describeValue(v)}`);
  }
  return values as KeyValue[];
}

function invalid(path: string, message: string): TesseraError {
  const errors: FieldError[] = [{ path, message }];
  return validationError(`${path}: ${message}`, errors);
}
