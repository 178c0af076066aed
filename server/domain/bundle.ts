import { z } from '../vendor/zod.cjs';
import { alertRuleSchema, webhookSchema } from '../alerts/alert-definition.js';
import { entitySchema } from './entity.js';
import { featureServiceSchema } from './feature-service.js';
import { featureViewSchema } from './feature-view.js';
import { permissionSchema } from './permission.js';
import { refuseProtoKeys } from './proto-key.js';
import { sourceSchema } from './source.js';
import { monitorSchema } from '../monitoring/monitors/monitor-definition.js';

/**
 * Objects of one kind a bundle holds at most. Zod checks an array's length before its items, so a cap
 * also bounds what a bad body costs: a 16 MB array of 8M wrong items made 8M issues (39 s, 3.8 GB).
 */
export const MAX_BUNDLE_OBJECTS = 10_000;
const objects = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_BUNDLE_OBJECTS);

const bundleFields = z.strictObject({
  entities: objects(entitySchema).default([]),
  sources: objects(sourceSchema).default([]),
  featureViews: objects(featureViewSchema).default([]),
  featureServices: objects(featureServiceSchema).default([]),
  /** Who may do what (docs/security.md); given, it replaces every permission; absent, they stay as they are. */
  permissions: objects(permissionSchema).optional(),
  /** Alert rules (docs/alerts.md). */
  alerts: objects(alertRuleSchema).default([]),
  /** Where alerts are delivered. */
  webhooks: objects(webhookSchema).default([]),
  /** Scheduled drift monitors (docs/drift.md). */
  monitors: objects(monitorSchema).default([]),
});

/**
 * A change set of definitions: what it names is created or updated, what it leaves out is untouched.
 * An own `__proto__` key anywhere in it is refused, named, rather than dropped (proto-key.ts).
 */
export const bundleSchema = z.preprocess<unknown, typeof bundleFields, z.input<typeof bundleFields>>(refuseProtoKeys, bundleFields);

export type Bundle = z.output<typeof bundleSchema>;
export type BundleInput = z.input<typeof bundleSchema>;

/** The JSON Schema of a bundle file, for editors (`GET /api/v1/schema`, `docs/bundle.schema.json`). */
export function bundleJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(bundleSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
