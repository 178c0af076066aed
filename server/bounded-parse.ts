import type { z } from './vendor/zod.cjs';

/**
 * The most issue messages one validation formats before it stops. Zod makes an issue per wrong value
 * and does not stop by itself; a union formats one per alternative at once, and its own (a wrong
 * value for a union of four scalar types: five). 1M wrong feature values in an 11 MB prediction batch
 * took 13-20 s of zod, 0.2-0.3 s when it stopped after 1,000 messages. Far more than an answer lists
 * (MAX_FIELD_ERRORS), so a batch with one mistake repeated in thousands of items still has its fields
 * named.
 */
export const MAX_ISSUE_MESSAGES = 50_000;

/** What a validation that stopped at MAX_ISSUE_MESSAGES answers in place of its issues: their paths are not complete yet. */
export const TOO_MANY_ISSUES = {
  path: '(body)',
  message: `too many wrong values to name them: validation stopped after ${MAX_ISSUE_MESSAGES.toLocaleString('en-US')} problems`,
};

class Stop extends Error {}

/**
 * `schema.safeParse(input)`, or null when it stopped after MAX_ISSUE_MESSAGES messages. Zod gives an issue
 * to the parse's error map (at once in a union, else when the result's error is first read) only when the
 * schema has no message of its own: issues of `.regex(re, 'a model name')`, `.refine(f, msg)` or
 * `{ error }` are not counted (100,000 of `z.array(z.string().min(1, 'x'))` pass uncounted), so the bound
 * holds for schemas whose per-item checks keep zod's messages. The map counts and throws past the bound,
 * and returns undefined so zod's own messages stay.
 */
export function boundedSafeParse<S extends z.ZodType>(schema: S, input: unknown): z.ZodSafeParseResult<z.output<S>> | null {
  let messages = 0;
  try {
    const result = schema.safeParse(input, {
      error: () => {
        if (++messages > MAX_ISSUE_MESSAGES) throw new Stop();
        return undefined;
      },
    });
    // The error is built when first read: read it here, where a stop is caught.
    if (!result.success) void result.error.issues;
    return result;
  } catch (e) {
    if (e instanceof Stop) return null;
    throw e;
  }
}
