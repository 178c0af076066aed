import { chiSquareSurvival } from './special-functions.js';

/**
 * Pearson's chi-square goodness-of-fit test of the detection counts against the reference shares
 * (Evidently's `chi_stat_test`: expected = reference share × detection total, k - 1 degrees of
 * freedom over the union of categories). A category the reference never saw gets expected 0 and
 * contributes nothing, as in scipy; that makes the p-value blind to new categories, which PSI and JS see.
 */
export function chiSquareTest(referenceCounts: readonly number[], detectionCounts: readonly number[]): { statistic: number; pValue: number } {
  const refTotal = referenceCounts.reduce((a, b) => a + b, 0);
  const detTotal = detectionCounts.reduce((a, b) => a + b, 0);
  if (refTotal === 0 || detTotal === 0 || referenceCounts.length < 2) return { statistic: 0, pValue: 1 };
  let statistic = 0;
  for (let i = 0; i < referenceCounts.length; i++) {
    const expected = (referenceCounts[i] / refTotal) * detTotal;
    if (expected > 0) statistic += (detectionCounts[i] - expected) ** 2 / expected;
  }
  return { statistic, pValue: chiSquareSurvival(statistic, referenceCounts.length - 1) };
}
