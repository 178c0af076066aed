import { z } from '../vendor/zod.cjs';
import { parseTimestamp, TIMESTAMP_FORMS } from './time.js';

/** An instant in a request: RFC 3339 (naive = UTC) or epoch milliseconds, years 0001-9999 UTC; parsed to epoch ms. */
export const timestampSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseTimestamp(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a timestamp: use ${TIMESTAMP_FORMS}` });
    return z.NEVER;
  }
  return ms;
});
