import { z } from '../vendor/zod.cjs';

const frame = z
  .record(z.string(), z.unknown())
  .describe('columns, as Feast sends a DataFrame: {"driver_id": [1001], "event_timestamp": ["2026-11-29 10:59:42+00:00"], ...}; a scalar is repeated on every row');

/**
 * Feast's `PushFeaturesRequest` (sdk/python/feast/feature_server.py). Unknown fields are refused (Feast
 * ignores them): a typo such as `too` would otherwise push online only without a word.
 */
export const pushRequestSchema = z
  .strictObject({
    push_source_name: z.string().min(1),
    df: frame,
    allow_registry_cache: z.boolean().optional().describe('false: re-read the registry before pushing (default true: the cached catalog)'),
    to: z.enum(['online', 'offline', 'online_and_offline'], { error: "expected one of 'online', 'offline', 'online_and_offline'" }).optional().describe('default online'),
    transform_on_write: z
      .boolean()
      .optional()
      .describe("default true: df holds raw source columns and the version's frozen transforms are applied; false: df holds output columns, written as they are"),
  })
  .meta({ id: 'PushRequest', description: "Feast's /push request." });

export type PushRequest = z.output<typeof pushRequestSchema>;

/** Feast's `WriteToFeatureStoreRequest`, sent by its remote online store's `online_write_batch`. */
export const writeToOnlineStoreSchema = z
  .strictObject({
    feature_view_name: z.string().min(1),
    df: frame,
    allow_registry_cache: z.boolean().optional(),
    transform_on_write: z.boolean().optional(),
  })
  .meta({ id: 'WriteToOnlineStoreRequest', description: "Feast's /write-to-online-store request." });

export type WriteToOnlineStoreRequest = z.output<typeof writeToOnlineStoreSchema>;

export const pushAnswer = z
  .object({
    push_source_name: z.string().optional(),
    feature_views: z.array(z.object({ name: z.string(), version: z.number().int(), rows: z.number().int(), online: z.boolean(), snapshot_id: z.number().int().nullable() })),
  })
  .meta({ id: 'PushResult', description: 'What was written, per feature view (Feast answers with an empty body; its clients read only the status)' });
