import { refuseProtoKeys } from '../domain/proto-key.js';
import { z } from '../vendor/zod.cjs';

/** One prediction as an inference service logs it: the features it used and what it predicted. */
export const predictionSchema = z.strictObject({
  /** A UUID (v7 recommended) the caller chose, so a retried request is not logged twice; generated when absent. */
  id: z
    .string()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a UUID')
    .optional(),
  /** The entity the prediction is about: its join key values. */
  entity: z.record(z.string(), z.union([z.string(), z.number()])),
  /** Feature values the model read, by name. */
  features: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  /** The view versions the features came from: `{weather_daily: 1}`. */
  featureVersions: z.record(z.string(), z.number().int().positive()).default({}),
  prediction: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  probability: z.number().min(0).max(1).nullable().optional(),
  /** `failed` predictions are logged too (with `error`), so monitoring sees them; they never count as served. */
  status: z.enum(['ok', 'failed']).default('ok'),
  error: z.string().max(10_000).optional(),
  /** When the prediction was made (RFC 3339 or epoch ms); default: when it was logged. */
  predictedAt: z.union([z.string(), z.number()]).optional(),
});

const batchFields = z.strictObject({
  model: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'lower-case letters, digits, _ . - (up to 128)'),
  modelVersion: z.string().min(1).max(128).default('1'),
  predictions: z.array(predictionSchema).min(1).max(10_000),
});

/** A batch of predictions; an own `__proto__` key (an entity key or feature name) is a 400, not dropped. */
export const predictionBatchSchema = z.preprocess<unknown, typeof batchFields, z.input<typeof batchFields>>(refuseProtoKeys, batchFields);

export type Prediction = z.output<typeof predictionSchema>;
export type PredictionBatch = z.output<typeof predictionBatchSchema>;

/** A logged prediction as it is read back. */
export interface LoggedPrediction {
  id: string;
  model: string;
  modelVersion: string;
  loggedAt: string;
  predictedAt: string;
  entity: Record<string, string | number>;
  /** The entity's values in the order of their names, joined by `|`: what `entityKey=` filters on. */
  entityKey: string;
  features: Record<string, unknown>;
  featureVersions: Record<string, number>;
  prediction: unknown;
  probability: number | null;
  status: 'ok' | 'failed';
  error: string | null;
}
