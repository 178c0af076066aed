/** Evidently's replacement for an empty bin's share: ln(0) would make one empty bin infinite drift. */
export const EMPTY_BIN_SHARE = 0.0001;

/**
 * Shares of a bin count list, empty bins replaced by `EMPTY_BIN_SHARE` (Evidently's `get_binned_data`
 * with `feel_zeroes`; below that share, a millionth of the smallest non-empty share).
 */
export function binShares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 1 / counts.length);
  const shares = counts.map((c) => c / total);
  const smallest = Math.min(...shares.filter((s) => s > 0));
  const fill = smallest <= EMPTY_BIN_SHARE ? smallest / 1e6 : EMPTY_BIN_SHARE;
  return shares.map((s) => (s === 0 ? fill : s));
}

/**
 * Population stability index over aligned bins: Σ (det - ref)·ln(det/ref) on the bins' shares. It is
 * symmetric in its two arguments; 0.1 is the conventional "moderate shift" threshold.
 */
export function psi(referenceCounts: readonly number[], detectionCounts: readonly number[]): number {
  const ref = binShares(referenceCounts);
  const det = binShares(detectionCounts);
  let sum = 0;
  for (let i = 0; i < ref.length; i++) sum += (det[i] - ref[i]) * Math.log(det[i] / ref[i]);
  return sum;
}
