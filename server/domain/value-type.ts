import { z } from '../vendor/zod.cjs';

/** Types of feature values. */
export const featureTypeSchema = z.enum(['float64', 'int64', 'string', 'bool']);
export type FeatureType = z.output<typeof featureTypeSchema>;

/** Types of entity join keys. */
export const keyTypeSchema = z.enum(['int64', 'string']);
export type KeyType = z.output<typeof keyTypeSchema>;
