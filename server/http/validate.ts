import { z } from 'zod';
import { formatPath, validationError } from '../errors.js';

/** Parses a request part with a zod schema; a failure is a 400 naming each field (prefixed, e.g. `(query) limit`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: { path: string; message: string }[] = [];
  for (const issue of result.error.issues) {
    const path = `${prefix}${formatPath(issue.path) || (prefix ? '' : '(body)')}`.trim();
    if (!errors.some((e) => e.path === path)) errors.push({ path, message: issue.message });
  }
  throw validationError(`invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}

/** A whole number in a query string, written in decimal digits (`0x10` and `1e3` are not). */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'expected a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
