import { type FieldError, validationError } from '../errors.js';
import { historicalSchemas } from '../http/historical-schemas.js';
import { parseInput } from '../http/validate.js';
import type { FeatureRequest } from '../serving/resolve-features.js';
import * as arrow from '../vendor/arrow.cjs';

/**
 * A point-in-time request: feature references or a service, and entity rows (JSON-like columns or an
 * Arrow table). A bad request is a 'validation' error naming its fields as the HTTP API spells them
 * (`feature_service`, `full_feature_names`), embedded and over `connect()` alike: the checks further
 * on (a service that does not exist: `feature_service`) are the server's, and name them so.
 */
export interface HistoricalRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  /** Columns: the join keys, `event_timestamp`, and any labels to carry through. */
  entities: Record<string, unknown[]> | arrow.Table;
}

export interface ParsedHistoricalRequest {
  selection: FeatureRequest;
  entities: Record<string, unknown[]> | arrow.Table;
}

/** The SDK's fields and their names in `POST /get-historical-features`'s JSON body. */
const WIRE_NAMES: Record<string, string> = { features: 'features', featureService: 'feature_service', fullFeatureNames: 'full_feature_names', entities: 'entities' };
const SDK_NAMES = Object.fromEntries(Object.entries(WIRE_NAMES).map(([sdk, wire]) => [wire, sdk]));

// The route's own schema (without its start/end read, which the SDK does not offer), so both say the same.
const schema = historicalSchemas({ range: false }).json;

/** Checks a request as `POST /get-historical-features` checks its JSON body, before anything is read. */
export function parseHistoricalRequest(request: unknown): ParsedHistoricalRequest {
  if (request === null || typeof request !== 'object' || Array.isArray(request) || request instanceof arrow.Table) {
    const message = 'expected an object with features (or featureService) and entities';
    throw validationError(`invalid request: (body): ${message}`, [{ path: '(body)', message }]);
  }
  const given = request as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const unknown: FieldError[] = [];
  for (const key of Object.keys(given)) {
    const wire = WIRE_NAMES[key];
    if (wire !== undefined) body[wire] = given[key];
    else unknown.push({ path: key, message: SDK_NAMES[key] ? `unknown field '${key}' (the SDK spells it ${SDK_NAMES[key]})` : `unknown field '${key}'` });
  }
  if (unknown.length) throw validationError(`invalid request: ${unknown.map((e) => `${e.path}: ${e.message}`).join('; ')}`, unknown);
  const table = given.entities instanceof arrow.Table ? given.entities : null;
  if (table) delete body.entities;
  const parsed = parseInput(schema, body) as { features?: string[]; feature_service?: string; full_feature_names: boolean; entities?: Record<string, unknown[]> };
  const entities = table ?? parsed.entities;
  if (!entities) throw validationError('entity rows are required', [{ path: 'entities', message: 'required' }]);
  return { selection: { features: parsed.features, featureService: parsed.feature_service, fullFeatureNames: parsed.full_feature_names }, entities };
}
