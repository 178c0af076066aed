import { z } from '../../vendor/zod.cjs';

export const DRIFT_METHODS = ['ks', 'wasserstein', 'psi', 'jensen_shannon', 'chi_square', 'z_test'] as const;
export type DriftMethod = (typeof DRIFT_METHODS)[number];
export const driftMethodSchema = z.enum(DRIFT_METHODS);

/** Tests answer a p-value (drift below the threshold); distances answer a score (drift at or above it). */
export const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'chi_square', 'z_test']);

/** Evidently's preset: at most this many reference rows → statistical tests, more → distances. */
export const SMALL_REFERENCE_ROWS = 1000;
/** A numeric feature with at most this many distinct values is tested as categories. */
export const FEW_VALUES = 5;
/** Evidently's `drift_share`: the dataset drifts when at least this share of its features do. */
export const DATASET_DRIFT_SHARE = 0.5;

const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = { ks: 0.05, chi_square: 0.05, z_test: 0.05, wasserstein: 0.1, jensen_shannon: 0.1, psi: 0.1 };

export function defaultThreshold(method: DriftMethod): number {
  return DEFAULT_THRESHOLDS[method];
}

/**
 * Evidently's `DataDriftPreset` choice (`_get_default_stattest`): with at most 1000 reference rows, KS
 * for numbers with more than 5 distinct values, else chi-square (a z-test at 2 values or fewer); with
 * more, normed Wasserstein for such numbers, else Jensen-Shannon. `distinctValues` counts both
 * samples' non-null values together, `referenceRows` the reference's non-null rows.
 */
export function defaultMethod(kind: 'numeric' | 'categorical', referenceRows: number, distinctValues: number): DriftMethod {
  const continuous = kind === 'numeric' && distinctValues > FEW_VALUES;
  if (referenceRows <= SMALL_REFERENCE_ROWS) {
    if (continuous) return 'ks';
    return distinctValues > 2 ? 'chi_square' : 'z_test';
  }
  return continuous ? 'wasserstein' : 'jensen_shannon';
}

/** Whether `value` says drift under `method`'s rule: p-value below the threshold, or score at or above it. */
export function isDrift(method: DriftMethod, value: number, threshold: number): boolean {
  return P_VALUE_METHODS.has(method) ? value < threshold : value >= threshold;
}
