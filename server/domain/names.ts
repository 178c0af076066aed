import { z } from '../vendor/zod.cjs';

/** Every name in a bundle: lower-case, starts with a letter, at most 63 characters. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export const nameSchema = z.string().regex(NAME_PATTERN, 'must match ^[a-z][a-z0-9_]{0,62}$ (lower-case letters, digits and _, starting with a letter)');

/**
 * View and feature names may not contain `__`: it separates a view from a feature in full feature
 * names (`view__feature`) and a one-hot feature from its category (`feature__category`).
 */
export const featureNameSchema = nameSchema.refine((s) => !s.includes('__'), {
  message: 'must not contain "__" (reserved as the separator of full feature names and one-hot columns)',
});

export const descriptionSchema = z.string().max(10_000);
export const tagsSchema = z.record(z.string().min(1).max(200), z.string().max(1000));
