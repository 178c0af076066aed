import { z } from '../vendor/zod.cjs';
import { nameSchema } from '../domain/names.js';
import { parseTimestamp, TIMESTAMP_FORMS } from '../domain/time.js';

const timestamp = z
  .union([z.string(), z.number()])
  .transform((v, ctx) => {
    const ms = parseTimestamp(v);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `'${v}' is not a timestamp: use ${TIMESTAMP_FORMS}` });
      return z.NEVER;
    }
    return ms;
  })
  .describe('RFC 3339 or epoch milliseconds');

/** `POST /api/v1/skew`: which feature service's logged traffic to replay, over which request times. */
export const skewRequestSchema = z
  .strictObject({
    featureService: nameSchema.describe('a feature service with `logging:`'),
    start: timestamp.optional().describe('earliest request time (inclusive); default: the oldest logged'),
    end: timestamp.optional().describe('latest request time (inclusive); default: now'),
    maxRows: z.number().int().min(1).max(10_000_000).default(1_000_000).describe('logged rows compared at most (the oldest first); the answer says when more were logged'),
  })
  .refine((r) => r.start === undefined || r.end === undefined || r.start <= r.end, { path: ['end'], message: 'must not be before start' })
  .meta({ id: 'SkewRequest', description: 'A training-serving skew report over a feature service’s logged traffic.' });

export type SkewRequest = z.output<typeof skewRequestSchema>;
