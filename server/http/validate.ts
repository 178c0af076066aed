import { z } from '../vendor/zod.cjs';
import { TOO_MANY_ISSUES, boundedSafeParse } from '../bounded-parse.js';
import { formatPath, validationError } from '../errors.js';
import { FieldErrorList } from '../field-error-list.js';

/** Parses a request part with a zod schema; a failure is a 400 naming each field (prefixed, e.g. `(query) limit`). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = boundedSafeParse(schema, input);
  if (result === null) throw validationError(`invalid request: ${TOO_MANY_ISSUES.message}`, [TOO_MANY_ISSUES]);
  if (result.success) return result.data;
  const list = new FieldErrorList();
  for (const issue of result.error.issues) {
    if (list.skip()) continue;
    // An unknown field is named on its own: `(query) colour`, not the object that holds it.
    const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const p of paths) {
      const path = `${prefix}${formatPath(p) || (prefix ? '' : '(body)')}`.trim();
      const message = issue.code === 'unrecognized_keys' ? `unknown field '${String(p.at(-1))}'` : issue.message;
      list.add(path, message);
    }
  }
  const { errors } = list;
  throw validationError(`invalid request: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}${list.more()}`, errors);
}

/** A whole number in a query string, written in decimal digits (`0x10` and `1e3` are not). */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'expected a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A boolean flag in a query string: absent = false; true/false/1/0 (and a bare `?flag`) accepted. */
export const queryBool = z
  .enum(['true', 'false', '1', '0', ''], { error: (issue) => `'${String(issue.input)}' is not true or false` })
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === '')
  .describe('true or false (default false)');
