import { canonicalJson } from '../../domain/canonical-json.js';
import { describeValue, validationError } from '../../errors.js';
import { parseInput } from '../validate.js';
import type { HistoricalSchemas } from '../historical-schemas.js';

/** A query string's feature list as the body writes it: `a,b` and repeated `features=` flattened. */
function featureList(value: unknown): unknown {
  const list = Array.isArray(value) ? value : [value];
  return list
    .flatMap((f) => String(f).split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

/**
 * With a JSON body the request is read from the body; the query string is for uploads. A parameter
 * beside a JSON body may only repeat it: one the body sets otherwise, or does not set, is a 400 naming
 * `(query) <field>`, so a `?name=` that differs from the body's `name` is never silently dropped.
 * Unknown parameters are 400s as on an upload (the query schema is strict).
 */
export function checkQueryBesideBody(query: Record<string, unknown>, schemas: HistoricalSchemas, body: Record<string, unknown>): void {
  if (Object.keys(query).length === 0) return;
  // Partial: a field the upload form requires (a dataset's name) may be in the body alone.
  const parsed = parseInput(schemas.query.partial(), query, '(query) ') as Record<string, unknown>;
  const errors: { path: string; message: string }[] = [];
  for (const key of Object.keys(query)) {
    const given = key === 'features' ? featureList(query[key]) : parsed[key];
    const inBody = key === 'full_feature_names' ? (body[key] ?? false) : body[key];
    if (inBody === undefined) errors.push({ path: `(query) ${key}`, message: 'the JSON body does not set it: give it in the body' });
    else if (canonicalJson(given) !== canonicalJson(inBody)) errors.push({ path: `(query) ${key}`, message: `differs from the JSON body's ${key} (${describeValue(inBody)})` });
  }
  if (errors.length > 0) throw validationError(`the query string disagrees with the JSON body: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}
