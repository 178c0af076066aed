import { type ConditionProvider, conditionProvider } from '../alerts/condition-provider.js';
import type { OutcomeService } from './outcome-service.js';
import type { Metrics, Task } from './performance-query.js';

export interface PerformanceWindows {
  /** The window whose performance is checked: the last `recentMs` of prediction time. */
  recentMs: number;
  /** The baseline: the `baselineMs` just before the recent window. */
  baselineMs: number;
  /** Fewer joined outcomes than this in either window: not judged (never fires). */
  minCount: number;
}

export const DEFAULT_WINDOWS: PerformanceWindows = { recentMs: 86_400_000, baselineMs: 7 * 86_400_000, minCount: 30 };

/** The default `threshold`: a 10% relative degradation. */
export const DEFAULT_DROP = 0.1;

/** The metric judged: AUC for classifiers (accuracy when AUC is undefined), MAE for regressors. */
function judged(task: Task, m: Metrics): { name: string; value: number | null } {
  if (task === 'regression') return { name: 'MAE', value: m.mae ?? null };
  return m.auc !== null && m.auc !== undefined ? { name: 'AUC', value: m.auc } : { name: 'accuracy', value: m.accuracy ?? null };
}

/**
 * Alert kind `performance`: per model with outcomes, the recent window's metric against the baseline
 * window's. It fires when the metric degrades by more than `threshold` (relative; default 0.1): AUC
 * (or accuracy) falls below (1 - threshold) x baseline, or MAE rises above (1 + threshold) x baseline.
 * Subject: the model; value: the relative degradation. `featureViews` does not apply (models are not views).
 */
export function performanceProvider(outcomes: OutcomeService, windows: PerformanceWindows = DEFAULT_WINDOWS): ConditionProvider {
  return conditionProvider('performance', async (rule, now) => {
    const limit = rule.threshold ?? DEFAULT_DROP;
    const out = [];
    for (const model of await outcomes.models()) {
      const recentFrom = now - windows.recentMs;
      const base = await outcomes.performance({ model, bucket: 'day', from: recentFrom - windows.baselineMs, to: recentFrom, threshold: 0.5 });
      const task = base.task ?? 'classification';
      const recent = await outcomes.performance({ model, bucket: 'day', from: recentFrom, to: now, task, threshold: 0.5 });
      if (base.overall.count < windows.minCount || recent.overall.count < windows.minCount) {
        out.push({
          subject: model,
          firing: false,
          value: null,
          message: `model '${model}': too few outcomes to judge (${recent.overall.count} recent, ${base.overall.count} baseline; at least ${windows.minCount} each)`,
        });
        continue;
      }
      const b = judged(task, base.overall);
      const r = task === 'regression' ? judged(task, recent.overall) : b.name === 'AUC' ? { name: 'AUC', value: recent.overall.auc ?? null } : judged(task, recent.overall);
      if (b.value === null || r.value === null || b.value === 0) {
        out.push({ subject: model, firing: false, value: null, message: `model '${model}': ${b.name} cannot be compared (baseline ${b.value}, recent ${r.value})` });
        continue;
      }
      const degradation = task === 'regression' ? (r.value - b.value) / b.value : (b.value - r.value) / b.value;
      out.push({
        subject: model,
        firing: degradation > limit,
        value: degradation,
        message: `model '${model}': ${b.name} ${r.value.toFixed(4)} over the recent window against ${b.value.toFixed(4)} before (${(degradation * 100).toFixed(1)}% worse; fires above ${(limit * 100).toFixed(1)}%)`,
      });
    }
    return out;
  });
}
