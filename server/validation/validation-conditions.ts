import { type ConditionProvider, conditionProvider } from '../alerts/condition-provider.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { RunStore } from '../registry/run-store.js';
import type { ValidationStore } from './validation-store.js';

/** Runs read per view to find its latest finished one among compactions and runs in flight. */
const LOOKBACK = 50;

/**
 * Alert kind `validation`: a view fires when the report of its latest finished run (compactions
 * aside) has more failed expectations than `threshold` (default 0); a run that passes clears it.
 * Subject: the view; value: failed expectations (null: no finished run yet, which does not fire).
 */
export function validationProvider(deps: { catalog: CatalogCache; runs: RunStore; validation: ValidationStore }): ConditionProvider {
  return conditionProvider('validation', async (rule) => {
    const threshold = rule.threshold ?? 0;
    const catalog = await deps.catalog.get();
    const conditions = [];
    for (const view of rule.featureViews ?? [...catalog.featureViews.keys()]) {
      if (!catalog.featureViews.has(view)) continue;
      const runs = await deps.runs.list({ featureView: view, limit: LOOKBACK });
      const last = runs.find((r) => r.trigger !== 'compaction' && (r.status === 'succeeded' || r.status === 'failed'));
      const report = last ? await deps.validation.get(last.id) : null;
      const failed = report ? report.expectations.filter((e) => !e.passed) : [];
      const value = last ? failed.length : null;
      const names = failed.map((e) => (e.feature ? `${e.feature}.${e.expectation}` : e.expectation)).join(', ');
      conditions.push({
        subject: view,
        firing: value !== null && value > threshold,
        value,
        message: last
          ? `feature view '${view}': run ${last.id} failed ${failed.length} expectation(s)${names ? ` (${names})` : ''}; fires above ${threshold}`
          : `feature view '${view}' has no finished run`,
      });
    }
    return conditions;
  });
}
