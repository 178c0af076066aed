import { type ConditionProvider, conditionProvider } from '../alerts/condition-provider.js';
import type { FreshnessService } from './freshness.js';

/**
 * Alert kind `freshness`: a view fires while it is stale. `threshold`, when a rule sets it, is the
 * data age in seconds above which its views fire, in place of each view's own limit. Subject: the
 * view; value: its data age in seconds (null: nothing committed, which fires).
 */
export function freshnessProvider(freshness: FreshnessService): ConditionProvider {
  return conditionProvider('freshness', async (rule) => {
    const watched = rule.featureViews ? new Set(rule.featureViews) : null;
    return (await freshness.views())
      .filter((v) => watched === null || watched.has(v.featureView))
      .map((v) => {
        const limit = rule.threshold ?? v.staleAfterSeconds;
        const age = v.dataAgeSeconds;
        const firing = age === null || (limit !== null && age > limit);
        const message =
          age === null
            ? `feature view '${v.featureView}' has committed nothing (version ${v.version})`
            : `feature view '${v.featureView}': data is ${Math.round(age)} s old (${limit === null ? 'no limit' : `stale after ${limit} s`})`;
        return { subject: v.featureView, firing, value: age, message };
      });
  });
}
