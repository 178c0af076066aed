import { z } from '../vendor/zod.cjs';

/**
 * `POST /api/v1/feature-views/{name}/transform`'s body. Apart from the route (no express here): the
 * in-process SDK checks its `transform` calls with it too.
 */
export const transformBodySchema = z.strictObject({
  rows: z.array(z.record(z.string(), z.unknown())),
  version: z.number().int().positive().optional().describe('default: the latest fitted version'),
});
