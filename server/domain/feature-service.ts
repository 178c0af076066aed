import { z } from 'zod';
import { descriptionSchema, nameSchema, tagsSchema } from './names.js';

export const featureServiceSchema = z.strictObject({
  name: nameSchema,
  /** Feature references: `view:feature`, `view@N:feature` or `view:*`. */
  features: z.array(z.string().min(1).max(300)).min(1).max(5000),
  description: descriptionSchema.optional(),
  tags: tagsSchema.optional(),
});

export type FeatureService = z.output<typeof featureServiceSchema>;
