import { z } from '../vendor/zod.cjs';
import { descriptionSchema, nameSchema, tagsSchema } from './names.js';

export const featureServiceSchema = z.strictObject({
  name: nameSchema,
  /** Feature references: `view:feature`, `view@N:feature` or `view:*`. */
  features: z.array(z.string().min(1).max(300)).min(1).max(5000),
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
  /**
   * Feast's `LoggingConfig`: log what this service serves under `<offline root>/logs/`. Rows are kept
   * by a hash of their entity key, so every request of a kept key is logged (Chronon's sampling).
   */
  logging: z
    .strictObject({
      sampleRate: z.number().gt(0, 'must be above 0 (leave `logging` out to log nothing)').max(1, 'must be at most 1').default(1).describe('share of entity keys whose requests are logged'),
    })
    .optional(),
});

export type FeatureService = z.output<typeof featureServiceSchema>;
