import { z } from '../vendor/zod.cjs';
import { timestampSchema } from '../domain/timestamp-schema.js';
import { queryBool } from './validate.js';

// Apart from the routes (no express here): the in-process SDK checks its requests with them too.

/** Feature references one request names at most (a feature service holds at most 5,000). */
const MAX_FEATURE_REFS = 10_000;

const featureFields = {
  // A cap before the items are checked: 8M wrong items would make 8M issues (docs/semantics.md).
  features: z.array(z.string()).max(MAX_FEATURE_REFS).optional().describe('feature references: view:feature, view@N:feature, view:*'),
  feature_service: z.string().optional(),
  full_feature_names: z.boolean().default(false),
};

/**
 * The request shapes of a historical route: a JSON body (`range` adds `start`/`end`, a read without
 * entities), or an upload whose selection rides in the query string. `extra` names the other fields
 * a route takes (a dataset's `name`, `description`). The routes validate with these and the OpenAPI
 * document describes them.
 */
export function historicalSchemas<E extends z.ZodRawShape = Record<never, never>>(options: { range: boolean; extra?: E }) {
  const extra = (options.extra ?? {}) as E;
  return {
    json: z.strictObject({
      ...featureFields,
      entities: z.record(z.string(), z.array(z.unknown())).optional().describe('entity rows as columns: join keys, event_timestamp, and any labels'),
      ...(options.range ? { start: timestampSchema.optional().describe('with end and no entities: every row of the view in (start, end]'), end: timestampSchema.optional() } : {}),
      ...extra,
    }),
    query: z.strictObject({
      features: z
        .union([z.string(), z.array(z.string()).max(MAX_FEATURE_REFS)])
        .optional()
        .describe('comma-separated feature references (for uploads)'),
      feature_service: z.string().optional(),
      full_feature_names: queryBool,
      ...extra,
    }),
  };
}

/** What the readers below need of a route's schemas (each route keeps its own literal types for the document). */
export interface HistoricalSchemas {
  json: z.ZodObject;
  query: z.ZodObject;
}
