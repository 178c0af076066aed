import { type Bundle, bundleSchema } from '../domain/bundle.js';
import { type FieldError, formatPath, validationError } from '../errors.js';

/** Validates a bundle against the zod schemas; every problem is reported with its field path. */
export function parseBundle(input: unknown): Bundle {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw validationError('a bundle is an object with any of: entities, sources, featureViews, featureServices', [
      { path: '(root)', message: `expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}` },
    ]);
  }
  const result = bundleSchema.safeParse(input);
  if (result.success) return result.data;
  // zod keeps checking a field after its type is wrong (a string's length against an array's max):
  // the first issue per field is the one that explains it.
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const path = formatPath(issue.path) || '(root)';
    if (!errors.some((e) => e.path === path)) errors.push({ path, message: issue.message });
  }
  throw validationError(`the bundle is invalid: ${errors.length} problem${errors.length === 1 ? '' : 's'}`, errors);
}
