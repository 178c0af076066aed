import { normalTwoSided } from './special-functions.js';

/**
 * Two-proportion z-test for a feature with at most two values (Evidently's `z_stat_test`): the share
 * of the first value in each sample, pooled variance, two-sided p-value. Counts are aligned: index 0
 * is the value tested.
 */
export function zTest(referenceCounts: readonly number[], detectionCounts: readonly number[]): { statistic: number; pValue: number } {
  const n1 = referenceCounts.reduce((a, b) => a + b, 0);
  const n2 = detectionCounts.reduce((a, b) => a + b, 0);
  if (n1 === 0 || n2 === 0) return { statistic: 0, pValue: 1 };
  const p1 = (referenceCounts[0] ?? 0) / n1;
  const p2 = (detectionCounts[0] ?? 0) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  // One value in both samples: the same distribution (Evidently answers p = 1 here too).
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: normalTwoSided(statistic) };
}
