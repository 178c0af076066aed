import { validationError } from '../errors.js';
import { transformBodySchema } from '../http/transform-schema.js';
import { parseInput } from '../http/validate.js';
import type { TransformRequest } from '../serving/transform-service.js';

/**
 * `transform(featureView, rows, options)` checked as `POST /api/v1/feature-views/{name}/transform`
 * checks its path and body (the options are the body's fields beside `rows`), before the view is looked
 * up: a bad version is 'validation' naming `version` in process too, not a version that does not exist.
 */
export function parseTransformRequest(featureView: unknown, rows: unknown, options: unknown): { featureView: string; body: TransformRequest } {
  if (typeof featureView !== 'string' || featureView === '') {
    throw validationError('invalid request: name: expected the name of a feature view', [{ path: 'name', message: 'expected the name of a feature view' }]);
  }
  // null is no options, as an absent argument: spread into the body, it adds nothing.
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw validationError('invalid request: options: expected an object such as { version: 2 }', [{ path: 'options', message: 'expected an object such as { version: 2 }' }]);
  }
  const body = parseInput(transformBodySchema, { rows, ...(options as object | null | undefined) });
  return { featureView, body };
}
