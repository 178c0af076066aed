import { conditionProvider, type ConditionProvider } from '../../alerts/condition-provider.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import type { MonitorResultStore } from './monitor-result-store.js';

/**
 * Alert rules of kind `drift`: one subject per monitor (of the rule's views, when it names some),
 * firing when its latest successful result found dataset drift, or, with a rule `threshold`, when
 * the share of drifted features reached it. A monitor with no result yet is not reported.
 */
export function driftAlerts(deps: { catalog: CatalogCache; results: MonitorResultStore }): ConditionProvider {
  return conditionProvider('drift', async (rule) => {
    const conditions = [];
    for (const monitor of (await deps.catalog.get()).monitors.values()) {
      if (rule.featureViews && !rule.featureViews.includes(monitor.spec.featureView)) continue;
      const latest = (await deps.results.list(monitor.name, { limit: 20 })).find((r) => r.status === 'ok');
      if (!latest?.report) continue;
      const { share, driftedFeatures, features, datasetDrift } = latest.report;
      const firing = rule.threshold === undefined ? datasetDrift : share >= rule.threshold;
      const drifted = features.filter((f) => f.drifted).map((f) => f.feature);
      conditions.push({
        subject: monitor.name,
        firing,
        value: share,
        message: `${monitor.name}: ${driftedFeatures} of ${features.length} features of ${monitor.spec.featureView} drifted${drifted.length ? ` (${drifted.join(', ')})` : ''}`,
      });
    }
    return conditions;
  });
}
