/** Evidently's floor for the reference's standard deviation: a constant reference does not divide by 0. */
export const MIN_STD = 0.001;

/**
 * Wasserstein-1 distance divided by the reference's population standard deviation (Evidently's
 * `wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)`), so one threshold fits every scale:
 * 0.1 is a shift of a tenth of a standard deviation. The distance is computed exactly by the drift
 * query: ∫|F_ref - F_det| over the union of both samples' values.
 */
export function normedWasserstein(distance: number, referenceStd: number): number {
  return distance / Math.max(referenceStd, MIN_STD);
}
