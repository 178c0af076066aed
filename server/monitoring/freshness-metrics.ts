import type { Metrics } from '../metrics/metrics.js';
import type { FreshnessService } from './freshness.js';

/**
 * Three gauges per view, read from the registry at each scrape: data age, last successful run age
 * (absent while there is none) and stale (1 or 0). Reset first, so a deleted view's series goes.
 */
export function publishFreshness(metrics: Metrics, freshness: FreshnessService): void {
  const dataAge = metrics.gauge({ name: 'tessera_freshness_data_age_seconds', help: 'Now minus the latest committed event time of the latest version, by view', labelNames: ['feature_view'] });
  const runAge = metrics.gauge({ name: 'tessera_freshness_last_success_age_seconds', help: 'Age of the last successful run (compactions aside), by view', labelNames: ['feature_view'] });
  const stale = metrics.gauge({ name: 'tessera_freshness_stale', help: '1 when a view is stale (older than its staleAfter, or never committed), else 0', labelNames: ['feature_view'] });
  metrics.onCollect(async () => {
    const views = await freshness.views();
    for (const g of [dataAge, runAge, stale]) g.reset();
    for (const v of views) {
      const labels = { feature_view: v.featureView };
      if (v.dataAgeSeconds !== null) dataAge.set(labels, v.dataAgeSeconds);
      if (v.lastSuccessAgeSeconds !== null) runAge.set(labels, v.lastSuccessAgeSeconds);
      stale.set(labels, v.stale ? 1 : 0);
    }
  });
}
