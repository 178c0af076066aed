import { z } from '../../vendor/zod.cjs';

/**
 * The JSON shapes of answers, for the OpenAPI document. Requests are validated with their own zod
 * schemas; answers are built by the `present*` functions, and a test checks real answers against
 * these shapes. Objects stay open (`looseObject`) where an answer carries a definition as applied.
 */

const time = z.string().describe('RFC 3339, UTC');
const nullableTime = time.nullable();

export const problemAnswer = z
  .object({
    type: z.string().describe('/problems/{code}'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })),
    instance: z.string().optional(),
    module: z.string().describe("extension: the Python module of Feast's matching exception (feast.errors, builtins)"),
    class: z.string().describe("extension: Feast's exception class (FeatureViewNotFoundException, PushSourceNotFoundException, ValueError...)"),
    message: z.string().describe("extension: Feast's exception message (the detail)"),
  })
  .meta({ id: 'Problem' });

export const healthAnswer = z.looseObject({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) }).meta({ id: 'Health' });

const planItem = z.object({ kind: z.enum(['entity', 'source', 'featureView', 'featureService', 'alert', 'webhook', 'monitor']), name: z.string(), changes: z.array(z.string()).optional() });
export const applyAnswer = z
  .looseObject({
    dryRun: z.boolean(),
    created: z.array(planItem),
    updated: z.array(planItem),
    unchanged: z.array(planItem),
    newVersions: z.array(z.object({ featureView: z.string(), version: z.number().int(), reasons: z.array(z.string()) })),
  })
  .meta({ id: 'ApplyResult' });

export const applyHistoryAnswer = z.object({ applies: z.array(z.looseObject({ appliedAt: time })) });

const stamps = { createdAt: time, updatedAt: time };
const joinKey = z.object({ name: z.string(), type: z.enum(['int64', 'string']) });
export const entityAnswer = z.looseObject({ name: z.string(), joinKeys: z.array(joinKey), ...stamps }).meta({ id: 'Entity' });
export const sourceAnswer = z.looseObject({ name: z.string(), type: z.string(), timestampField: z.string(), ...stamps }).meta({ id: 'Source' });
export const alertRuleAnswer = z.looseObject({ name: z.string(), kind: z.string(), webhooks: z.array(z.string()), retrain: z.boolean(), ...stamps }).meta({ id: 'AlertRule' });
export const webhookAnswer = z
  .looseObject({ name: z.string(), url: z.string(), secret: z.object({ env: z.string() }).optional().describe('a reference: the secret itself is never stored'), ...stamps })
  .meta({ id: 'Webhook' });
export const serviceAnswer = z.looseObject({ name: z.string(), features: z.array(z.string()), ...stamps }).meta({ id: 'FeatureService' });

const outputColumn = z.looseObject({ name: z.string(), type: z.string() });
const versionSummary = {
  version: z.number().int(),
  reason: z.string(),
  fingerprint: z.string(),
  createdAt: time,
  fitted: z.boolean(),
  fittedAt: nullableTime,
  fitRows: z.number().int().nullable(),
  outputSchema: z.array(outputColumn),
};
export const featureViewAnswer = z
  .looseObject({
    name: z.string(),
    entities: z.array(z.string()),
    source: z.string(),
    features: z.array(z.looseObject({ name: z.string(), type: z.string() })),
    ttl: z.number().describe('seconds; 0 = no limit'),
    ttlText: z.string(),
    latestVersion: z.number().int(),
    joinKeys: z.array(joinKey),
    versions: z.array(z.object(versionSummary)),
    ...stamps,
  })
  .meta({ id: 'FeatureView' });

export const snapshotAnswer = z
  .object({
    id: z.number().int(),
    runId: z.number().int(),
    rows: z.number().int(),
    watermark: nullableTime,
    window: z.object({ start: nullableTime, end: nullableTime }),
    eventTime: z.object({ min: nullableTime, max: nullableTime }),
    committedAt: time,
    files: z.array(z.unknown()),
    statistics: z.unknown(),
  })
  .meta({ id: 'Snapshot' });

export const versionAnswer = z
  .object({
    featureView: z.string(),
    ...versionSummary,
    definition: z.record(z.string(), z.unknown()),
    fittedState: z.looseObject({ rows: z.number().int(), features: z.record(z.string(), z.array(z.unknown())) }).nullable(),
    snapshots: z.array(snapshotAnswer),
  })
  .meta({ id: 'FeatureViewVersion' });

export const runAnswer = z
  .object({
    id: z.number().int(),
    featureView: z.string(),
    version: z.number().int(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    trigger: z.string(),
    reason: z.string().nullable(),
    error: z.string().nullable(),
    start: nullableTime,
    end: nullableTime,
    window: z.object({ start: nullableTime, end: nullableTime }),
    attempt: z.number().int(),
    maxAttempts: z.number().int(),
    createdAt: time,
    startedAt: nullableTime,
    finishedAt: nullableTime,
    rowsIn: z.number().int(),
    rowsOut: z.number().int(),
    rowsRejected: z.number().int(),
    rejectsByReason: z.record(z.string(), z.number().int()),
    rejectsFile: z.string().nullable(),
    snapshotId: z.number().int().nullable(),
    steps: z.array(z.object({ name: z.string(), ms: z.number() })),
  })
  .meta({ id: 'Run' });

export const onlineAnswer = z
  .object({
    metadata: z.object({
      feature_names: z.array(z.string()),
      feature_view_metadata: z
        .array(z.object({ name: z.string(), version: z.number().int() }))
        .optional()
        .describe('with include_feature_view_version_metadata: each view read and its version'),
    }),
    results: z.array(
      z.object({
        values: z.array(z.unknown()).describe('one per entity row; a one-hot feature with `encode: {answer: list}` gives arrays of 0/1 in fitted category order, as Feast writes its list types'),
        statuses: z.array(z.enum(['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'])),
        event_timestamps: z.array(time),
      }),
    ),
  })
  .meta({ id: 'OnlineFeatures', description: "Feast's column-major answer: one result per name in metadata.feature_names, one value per entity row." });

export const transformAnswer = z.object({ featureView: z.string(), version: z.number().int(), columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) });

export const datasetAnswer = z
  .looseObject({ name: z.string(), status: z.literal('ready'), createdAt: time, rows: z.number().int(), columns: z.array(z.unknown()), featureViews: z.array(z.unknown()) })
  .meta({ id: 'TrainingDataset' });
export const datasetSummaryAnswer = z.looseObject({ name: z.string(), status: z.string(), createdAt: time });

export const predictionLogAppendAnswer = z.object({
  logged: z.number().int().describe('predictions written (those whose id was not logged already)'),
  duplicates: z.number().int().describe('predictions whose id was logged already (a retried request): not written again'),
  predictionIds: z.array(z.string()).describe("every prediction's id, in the order given"),
});
export const predictionLogAnswer = z.object({
  model: z.string(),
  predictions: z.array(z.looseObject({ id: z.string(), model: z.string(), loggedAt: time, status: z.enum(['ok', 'failed']) })),
  next: z.string().nullable().describe('the cursor of the next page (`after=`), or null on the last page'),
});

/** Columns by name, for JSON historical answers. */
export const columnsAnswer = z.record(z.string(), z.array(z.unknown())).describe('an object of columns in output order');
