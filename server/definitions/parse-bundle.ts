import { TOO_MANY_ISSUES, boundedSafeParse } from '../bounded-parse.js';
import { type Bundle, bundleSchema } from '../domain/bundle.js';
import { formatPath, validationError } from '../errors.js';
import { FieldErrorList } from '../field-error-list.js';

/** Validates a bundle against the zod schemas; every problem is reported with its field path. */
export function parseBundle(input: unknown): Bundle {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw validationError('a bundle is an object with any of: entities, sources, featureViews, featureServices', [
      { path: '(root)', message: `expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}` },
    ]);
  }
  const result = boundedSafeParse(bundleSchema, input);
  if (result === null) throw validationError(`the bundle is invalid: ${TOO_MANY_ISSUES.message}`, [{ ...TOO_MANY_ISSUES, path: '(root)' }]);
  if (result.success) return result.data;
  // zod keeps checking a field after its type is wrong (a string's length against an array's max):
  // the first issue per field is the one that explains it.
  const list = new FieldErrorList();
  for (const issue of result.error.issues) {
    if (!list.skip()) list.add(formatPath(issue.path) || '(root)', issue.message);
  }
  const count = list.errors.length + list.omitted;
  throw validationError(`the bundle is invalid: ${count} problem${count === 1 ? '' : 's'}${list.omitted > 0 ? ` (the first ${list.errors.length} listed)` : ''}`, list.errors);
}
