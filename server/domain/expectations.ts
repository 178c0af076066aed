import { z } from '../vendor/zod.cjs';
import { durationSchema } from './duration.js';

/**
 * What a feature's source values must satisfy, checked on the typed rows a run reads, before any
 * transform (docs/monitoring.md). Cross-field rules (min <= max, a regex that compiles, allowed values
 * of the feature's type) are checked at apply, in `server/registry/validate-expectations.ts`.
 */
export const featureExpectSchema = z.strictObject({
  notNull: z.boolean().optional().describe('no null value at all'),
  maxNullFraction: z.number().min(0).max(1).optional().describe('nulls / rows at most this'),
  min: z.number().optional().describe('every non-null value >= min (numeric features)'),
  max: z.number().optional().describe('every non-null value <= max (numeric features)'),
  allowedValues: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .max(1000)
    .optional()
    .describe('every non-null value is one of these (of the feature type)'),
  regex: z.string().min(1).max(1000).optional().describe('every non-null value matches (string features; JavaScript syntax, unanchored)'),
});

/** A view's validation policy and its view-level expectations. */
export const viewValidationSchema = z.strictObject({
  /** `strict`: a failing run commits nothing and fails; `warn`: it commits with the report attached. */
  policy: z.enum(['strict', 'warn']).default('warn'),
  rowCount: z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() }).optional(),
  uniqueKeys: z.boolean().optional().describe('each entity key at most once per event time'),
  maxLag: durationSchema.optional().describe('now minus the run’s latest event time at most this'),
  failingRows: z.number().int().min(0).max(100).default(10).describe('failing rows kept per expectation'),
});

/** When a view counts as stale: data older than `staleAfter` (default: twice its schedule's interval). */
export const viewFreshnessSchema = z.strictObject({ staleAfter: durationSchema });

export type FeatureExpect = z.output<typeof featureExpectSchema>;
export type ViewValidation = z.output<typeof viewValidationSchema>;
export type ViewFreshness = z.output<typeof viewFreshnessSchema>;
