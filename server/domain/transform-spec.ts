import { z } from '../vendor/zod.cjs';

export const imputeSpecSchema = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('mean') }),
  z.strictObject({ strategy: z.literal('median') }),
  z.strictObject({ strategy: z.literal('mode') }),
  z.strictObject({ strategy: z.literal('constant'), value: z.union([z.number(), z.string(), z.boolean()]) }),
  z.strictObject({
    strategy: z.literal('ffill'),
    /** What the first value of an entity becomes when it is null: stays null, or the fitted median. */
    fallback: z.enum(['none', 'median']).default('none'),
  }),
]);

export const scaleSpecSchema = z.strictObject({
  method: z.enum(['standard', 'minmax', 'robust', 'maxabs', 'log1p']),
});

export const encodeSpecSchema = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('onehot'),
    maxCategories: z.number().int().min(1).max(1000).default(20),
    unknown: z.enum(['zeros', 'other']).default('zeros'),
    /**
     * How answers give the feature: one 0/1 column per category (`columns`, the default), or one column
     * named after the feature holding the list of those 0/1 values (`list`, Feast's list types). Answer-time
     * only: the stores keep one column per category either way, so it is view metadata, not part of the version.
     */
    answer: z.enum(['columns', 'list']).optional(),
  }),
  z.strictObject({ method: z.literal('ordinal') }),
  z.strictObject({ method: z.literal('hash'), buckets: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ method: z.literal('frequency') }),
]);

/** One step of a chain: an object with exactly one of `impute`, `scale`, `encode`. */
export const transformStepSchema = z
  .strictObject({
    impute: imputeSpecSchema.optional(),
    scale: scaleSpecSchema.optional(),
    encode: encodeSpecSchema.optional(),
  })
  .superRefine((step, ctx) => {
    const kinds = Object.keys(step).filter((k) => step[k as keyof typeof step] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a transform step has exactly one of impute, scale, encode (found ${kinds.length === 0 ? 'none' : kinds.join(', ')})` });
    }
  });

export type ImputeSpec = z.output<typeof imputeSpecSchema>;
export type ScaleSpec = z.output<typeof scaleSpecSchema>;
export type EncodeSpec = z.output<typeof encodeSpecSchema>;
export type TransformStep = z.output<typeof transformStepSchema>;

/** A step with its kind made explicit, as the transform engine consumes it. */
export type TransformStepSpec = { kind: 'impute'; spec: ImputeSpec } | { kind: 'scale'; spec: ScaleSpec } | { kind: 'encode'; spec: EncodeSpec };

export function stepSpec(step: TransformStep): TransformStepSpec {
  if (step.impute) return { kind: 'impute', spec: step.impute };
  if (step.scale) return { kind: 'scale', spec: step.scale };
  if (step.encode) return { kind: 'encode', spec: step.encode };
  throw new Error('empty transform step (the schema rejects these)');
}
