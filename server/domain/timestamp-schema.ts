import { z } from '../vendor/zod.cjs';
import { parseTimestamp } from './time.js';

/** An instant in a request: RFC 3339 (naive = UTC) or epoch milliseconds; parsed to epoch ms. */
export const timestampSchema = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseTimestamp(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `'${v}' is not a timestamp: use RFC 3339 (e.g. 2026-11-29T10:00:00Z) or epoch milliseconds` });
    return z.NEVER;
  }
  return ms;
});
