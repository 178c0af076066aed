import { z } from '../vendor/zod.cjs';

/**
 * `POST /api/v1/feature-views/{name}/transform`'s body. Apart from the route (no express here): the
 * in-process SDK checks its `transform` calls with it too.
 */
const notRow = (v: unknown) => typeof v !== 'object' || v === null || Array.isArray(v);

export const transformBodySchema = z.strictObject({
  // Cut after the first item that is not a row: zod makes one issue per bad item (8M of them took 39 s
  // and 3.8 GB), and the first names the problem. Rows that are all objects pass through whole.
  rows: z.preprocess(
    (v) => {
      if (!Array.isArray(v)) return v;
      const bad = v.findIndex(notRow);
      return bad < 0 ? v : v.slice(0, bad + 1);
    },
    z.array(z.record(z.string(), z.unknown())),
  ),
  version: z.number().int().positive().optional().describe('default: the latest fitted version'),
});
