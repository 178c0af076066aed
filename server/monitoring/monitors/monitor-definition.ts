import { validate as validateCron } from 'node-cron';
import { z } from '../../vendor/zod.cjs';
import { descriptionSchema, nameSchema } from '../../domain/names.js';
import type { Bundle } from '../../domain/bundle.js';
import { type Catalog, findVersion } from '../../registry/catalog.js';
import { driftInputSchema, driftOptions } from '../drift/drift-spec.js';

/**
 * A scheduled drift monitor (`monitors:` in the definitions): a feature view's detection window
 * compared with a reference on a cron schedule, each result kept (`GET /api/v1/monitors/{name}/results`).
 * Windows are relative (`last: 1d`, `offset: 7d`) so each tick looks at its own recent data.
 */
export const monitorSchema = z.strictObject({
  name: nameSchema,
  description: descriptionSchema.optional(),
  featureView: nameSchema.describe('the view watched; its latest version unless `version` is given'),
  version: z.number().int().min(1).optional(),
  reference: driftInputSchema.describe('snapshots, a dataset, a window (`start`/`end` or `last`/`offset`), or logged traffic'),
  detection: driftInputSchema.describe('usually `{last: 1d}` or `{featureService: s, last: 1h}`'),
  schedule: z.string().refine((s) => validateCron(s), { message: 'is not a valid cron expression (node-cron syntax, e.g. "0 * * * *")' }),
  ...driftOptions,
});

export type Monitor = z.output<typeof monitorSchema>;

/** What zod cannot check: unique names and a view that exists (in the bundle or the catalog). */
export function validateMonitors(bundle: Bundle, catalog: Catalog, add: (path: string, message: string) => void): void {
  const seen = new Set<string>();
  const views = new Set([...catalog.featureViews.keys(), ...bundle.featureViews.map((v) => v.name)]);
  bundle.monitors.forEach((monitor, i) => {
    if (seen.has(monitor.name)) add(`monitors[${i}].name`, `'${monitor.name}' is defined twice in this bundle`);
    seen.add(monitor.name);
    if (!views.has(monitor.featureView)) add(`monitors[${i}].featureView`, `feature view '${monitor.featureView}' does not exist`);
    else if (monitor.version !== undefined) {
      // A pinned version is one already stored, as a feature service's pin is: a run would fail on any other.
      const record = catalog.featureViews.get(monitor.featureView);
      if (!record || !findVersion(record, monitor.version)) add(`monitors[${i}].version`, `feature view '${monitor.featureView}' has no version ${monitor.version}`);
    }
  });
}
