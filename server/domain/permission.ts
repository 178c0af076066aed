import { z } from '../vendor/zod.cjs';
import { nameSchema } from './names.js';

/** Feast's `AuthzedAction`s: what a request does to a resource. */
export const ACTIONS = ['CREATE', 'DESCRIBE', 'UPDATE', 'DELETE', 'READ_ONLINE', 'READ_OFFLINE', 'WRITE_ONLINE', 'WRITE_OFFLINE'] as const;
export type Action = (typeof ACTIONS)[number];

/** Feast's aliases, expanded when a permission is read. */
const ALIASES: Record<string, readonly Action[]> = {
  READ: ['READ_ONLINE', 'READ_OFFLINE'],
  WRITE: ['WRITE_ONLINE', 'WRITE_OFFLINE'],
  CRUD: ['CREATE', 'DESCRIBE', 'UPDATE', 'DELETE'],
  ALL: ACTIONS,
};

/**
 * What permissions are about. `project` stands for what belongs to no single definition: the run
 * list, the apply history, prediction logs, metrics.
 */
export const RESOURCE_TYPES = ['entity', 'source', 'feature_view', 'feature_service', 'training_dataset', 'alert_rule', 'webhook', 'monitor', 'project'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** One thing a request touches; `tags` are the definition's own (empty for what has none). */
export interface Resource {
  type: ResourceType;
  name: string;
  tags?: Record<string, string>;
}

const patternSchema = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/**
 * Feast's `Permission` with a role-based policy: the roles may do the actions on resources of the
 * types whose name matches one of the patterns (all, without patterns) and which carry every
 * required tag. Feast matches patterns with `re.match` (anchored at the start only); Tessera
 * anchors both ends, so the pattern `driver` does not also cover `driver_secrets`.
 */
export const permissionSchema = z.strictObject({
  name: nameSchema,
  types: z.array(z.enum(RESOURCE_TYPES)).min(1).max(100).optional(),
  namePatterns: z.array(patternSchema).max(1000).optional(),
  requiredTags: z.record(z.string(), z.string()).optional(),
  actions: z
    .array(z.enum([...ACTIONS, 'READ', 'WRITE', 'CRUD', 'ALL']))
    .min(1)
    .max(100)
    .optional(),
  roles: z.array(z.string().min(1)).min(1).max(1000),
});

export type PermissionInput = z.input<typeof permissionSchema>;

/** A permission as decisions read it: aliases expanded, absent lists meaning "every". */
export interface Permission {
  name: string;
  types: ResourceType[];
  namePatterns: string[];
  requiredTags: Record<string, string>;
  actions: Action[];
  roles: string[];
}

export function normalizePermission(input: z.output<typeof permissionSchema>): Permission {
  const actions = new Set<Action>();
  for (const a of input.actions ?? ['ALL']) for (const x of ALIASES[a] ?? [a as Action]) actions.add(x);
  return {
    name: input.name,
    types: input.types ?? [...RESOURCE_TYPES],
    namePatterns: input.namePatterns ?? [],
    requiredTags: input.requiredTags ?? {},
    actions: ACTIONS.filter((a) => actions.has(a)),
    roles: input.roles,
  };
}
