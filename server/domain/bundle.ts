import { z } from '../vendor/zod.cjs';
import { alertRuleSchema, webhookSchema } from '../alerts/alert-definition.js';
import { entitySchema } from './entity.js';
import { featureServiceSchema } from './feature-service.js';
import { featureViewSchema } from './feature-view.js';
import { permissionSchema } from './permission.js';
import { refuseProtoKeys } from './proto-key.js';
import { sourceSchema } from './source.js';
import { monitorSchema } from '../monitoring/monitors/monitor-definition.js';

const bundleFields = z.strictObject({
  entities: z.array(entitySchema).default([]),
  sources: z.array(sourceSchema).default([]),
  featureViews: z.array(featureViewSchema).default([]),
  featureServices: z.array(featureServiceSchema).default([]),
  /** Who may do what (docs/security.md); given, it replaces every permission; absent, they stay as they are. */
  permissions: z.array(permissionSchema).optional(),
  /** Alert rules (docs/alerts.md). */
  alerts: z.array(alertRuleSchema).default([]),
  /** Where alerts are delivered. */
  webhooks: z.array(webhookSchema).default([]),
  /** Scheduled drift monitors (docs/drift.md). */
  monitors: z.array(monitorSchema).default([]),
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
