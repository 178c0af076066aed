import type { RunRecord } from '../domain/run.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { RunStore } from '../registry/run-store.js';
import { DEFAULT_RUN_FAILURES } from './alert-definition.js';
import { type ConditionProvider, conditionProvider } from './condition-provider.js';

/** Finished runs read per view: enough to find the latest N among compactions and runs in flight. */
const LOOKBACK = 200;

/**
 * `run_failures`: fires for a view when its latest N finished pipeline runs (compactions aside) all
 * failed; one success clears it. Subject: the view's name; value: the failed runs counted from the
 * latest back (at most N).
 */
export function runFailuresProvider(deps: { catalog: CatalogCache; runs: RunStore }): ConditionProvider {
  return conditionProvider('run_failures', async (rule) => {
    const n = rule.threshold ?? DEFAULT_RUN_FAILURES;
    const catalog = await deps.catalog.get();
    const views = rule.featureViews ?? [...catalog.featureViews.keys()];
    const conditions = [];
    for (const view of views) {
      if (!catalog.featureViews.has(view)) continue;
      const runs = await deps.runs.list({ featureView: view, limit: LOOKBACK });
      const finished = runs
        .filter((r) => r.trigger !== 'compaction' && (r.status === 'failed' || r.status === 'succeeded'))
        .sort(latestFirst)
        .slice(0, n);
      const failed = countLeading(finished, (r) => r.status === 'failed');
      const firing = finished.length === n && failed === n;
      const last = finished[0];
      conditions.push({
        subject: view,
        firing,
        value: failed,
        message: firing
          ? `the last ${n} run${n === 1 ? '' : 's'} of feature view '${view}' failed (latest: run ${last.id}, ${last.reason ?? 'failed'}: ${last.error ?? 'no message'})`
          : `feature view '${view}': ${failed} of its last ${finished.length} finished run${finished.length === 1 ? '' : 's'} failed (fires at ${n})`,
      });
    }
    return conditions;
  });
}

function latestFirst(a: RunRecord, b: RunRecord): number {
  return (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || b.id - a.id;
}

function countLeading<T>(items: T[], ok: (item: T) => boolean): number {
  let n = 0;
  while (n < items.length && ok(items[n])) n++;
  return n;
}
