import { z } from '../vendor/zod.cjs';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * One observed outcome (ground truth) of a logged prediction: named by the prediction's id, or by the
 * entity it was about and the outcome's time (the latest prediction of that entity made at or before it).
 */
export const outcomeSchema = z.strictObject({
  predictionId: z.string().regex(UUID, 'a UUID').optional().describe("the logged prediction's id"),
  entity: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .describe('the join key values, in place of predictionId'),
  at: z
    .union([z.string(), z.number()])
    .optional()
    .describe('when the outcome was observed (RFC 3339 or epoch ms); default: now. With `entity`, the prediction joined is the latest made at or before it'),
  value: z.union([z.number().finite(), z.boolean()]).describe('what actually happened: the label (0/1 or false/true) for a classifier, the number for a regressor'),
});

export const outcomeBatchSchema = z.strictObject({
  model: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'lower-case letters, digits, _ . - (up to 128)'),
  outcomes: z.array(outcomeSchema).min(1).max(10_000),
});

export type Outcome = z.output<typeof outcomeSchema>;
export type OutcomeBatch = z.output<typeof outcomeBatchSchema>;

/**
 * An outcome as stored: joined to its prediction when it is recorded, so performance reads need only
 * these rows (what was predicted beside what happened). Times are epoch ms.
 */
export interface OutcomeRow {
  prediction_id: string;
  model_version: string;
  predicted_at: number;
  /** The prediction as a number (booleans 0/1); null when it was not numeric. */
  prediction: number | null;
  probability: number | null;
  label: number;
  outcome_at: number;
  received_at: number;
  /** Position in its batch: a later duplicate in one batch wins. */
  seq: number;
}
