import { z } from '../vendor/zod.cjs';
import { validate as validateCron } from 'node-cron';
import { durationSchema } from './duration.js';
import { type FeatureExpect, type ViewFreshness, type ViewValidation, featureExpectSchema, viewFreshnessSchema, viewValidationSchema } from './expectations.js';
import { descriptionSchema, featureNameSchema, nameSchema, tagsSchema } from './names.js';
import { transformStepSchema } from './transform-spec.js';
import { featureTypeSchema } from './value-type.js';

export const featureSchema = z.strictObject({
  name: featureNameSchema,
  type: featureTypeSchema,
  /** Source column (after fieldMapping); default: the feature's name. */
  from: z.string().min(1).max(200).optional(),
  transforms: z.array(transformStepSchema).max(20).default([]),
  description: descriptionSchema.optional(),
  /** What its source values must satisfy; view metadata, not part of the version. */
  expect: featureExpectSchema.optional(),
});

const cronSchema = z.string().refine((s) => validateCron(s), { message: 'is not a valid cron expression (node-cron syntax, e.g. "0 * * * *")' });

const timezoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone (e.g. "Europe/Paris")' },
);

export const featureViewSchema = z.strictObject({
  name: featureNameSchema,
  entities: z.array(nameSchema).min(1).max(8),
  source: nameSchema,
  /** Point-in-time and online freshness limit, in seconds once parsed; 0 or absent = no limit. */
  ttl: durationSchema.optional(),
  online: z.boolean().default(true),
  schedule: cronSchema.optional(),
  timezone: timezoneSchema.optional(),
  features: z.array(featureSchema).min(1).max(500),
  /** Which rows fit the transform state: by default the first successful run's rows. */
  fit: z.strictObject({ window: durationSchema }).optional(),
  tags: tagsSchema.optional(),
  description: descriptionSchema.optional(),
  owner: z.string().max(200).optional(),
  validation: viewValidationSchema.optional(),
  freshness: viewFreshnessSchema.optional(),
});

export type FeatureInput = z.output<typeof featureSchema>;
export type FeatureViewInput = z.output<typeof featureViewSchema>;

/** Fields that never change data: editing them updates the view in place (expectations included). */
export interface FeatureViewMetadata {
  ttl: number;
  online: boolean;
  schedule?: string;
  timezone?: string;
  tags?: Record<string, string>;
  description?: string;
  owner?: string;
  validation?: ViewValidation;
  freshness?: ViewFreshness;
  /** Features' `expect`, by feature name. */
  expectations?: Record<string, FeatureExpect>;
  /** One-hot features answered as one list-valued column (`encode: {method: onehot, answer: list}`). */
  listAnswers?: string[];
}

export function viewMetadata(view: FeatureViewInput): FeatureViewMetadata {
  const expectations = view.features.flatMap((f) => (f.expect ? [[f.name, f.expect] as const] : []));
  const lists = view.features.filter((f) => f.transforms.some((t) => t.encode?.method === 'onehot' && t.encode.answer === 'list')).map((f) => f.name);
  return {
    ttl: view.ttl ?? 0,
    online: view.online,
    ...(view.schedule !== undefined ? { schedule: view.schedule } : {}),
    ...(view.timezone !== undefined ? { timezone: view.timezone } : {}),
    ...(view.tags !== undefined ? { tags: view.tags } : {}),
    ...(view.description !== undefined ? { description: view.description } : {}),
    ...(view.owner !== undefined ? { owner: view.owner } : {}),
    ...(view.validation !== undefined ? { validation: view.validation } : {}),
    ...(view.freshness !== undefined ? { freshness: view.freshness } : {}),
    ...(expectations.length ? { expectations: Object.fromEntries(expectations) } : {}),
    ...(lists.length ? { listAnswers: lists } : {}),
  };
}
