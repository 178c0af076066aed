import { z } from '../vendor/zod.cjs';
import { descriptionSchema, nameSchema, tagsSchema } from './names.js';
import { keyTypeSchema, type KeyType } from './value-type.js';

export const entitySchema = z
  .strictObject({
    name: nameSchema,
    /** One or more columns; several make a composite key. Default: the entity's name. */
    joinKeys: z.array(nameSchema).min(1).max(8).optional(),
    /** One type for every key, or one per key. */
    valueType: z.union([keyTypeSchema, z.record(z.string(), keyTypeSchema)]).default('int64'),
    description: descriptionSchema.optional(),
    tags: tagsSchema.optional(),
  })
  .superRefine((e, ctx) => {
    const keys = e.joinKeys ?? [e.name];
    const seen = new Set<string>();
    keys.forEach((k, i) => {
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['joinKeys', i], message: `join key '${k}' is listed twice` });
      seen.add(k);
    });
    if (typeof e.valueType === 'object') {
      for (const k of keys) {
        // Own keys only: `in` would find Object.prototype's (a join key named `constructor`).
        if (!Object.hasOwn(e.valueType, k)) ctx.addIssue({ code: 'custom', path: ['valueType', k], message: `no type given for join key '${k}'` });
      }
      for (const k of Object.keys(e.valueType)) {
        if (!keys.includes(k)) ctx.addIssue({ code: 'custom', path: ['valueType', k], message: `'${k}' is not a join key of entity '${e.name}'` });
      }
    }
  });

export type EntityInput = z.output<typeof entitySchema>;

/** An entity with its defaults resolved: every join key has a type. */
export interface Entity {
  name: string;
  joinKeys: { name: string; type: KeyType }[];
  description?: string;
  tags?: Record<string, string>;
}

export function resolveEntity(input: EntityInput): Entity {
  const keys = input.joinKeys ?? [input.name];
  const typeOf = (k: string): KeyType => (typeof input.valueType === 'string' ? input.valueType : input.valueType[k]);
  return {
    name: input.name,
    joinKeys: keys.map((k) => ({ name: k, type: typeOf(k) })),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
  };
}
