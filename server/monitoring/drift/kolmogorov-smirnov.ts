import { kolmogorovSurvival } from './special-functions.js';

/**
 * The two-sample Kolmogorov-Smirnov test's p-value for statistic `d` (max |F_ref - F_det|, computed
 * exactly by the drift query) and sample sizes `n`, `m`: the asymptotic Kolmogorov distribution with
 * Stephens' small-sample correction λ = (√N + 0.12 + 0.11/√N)·d, N = nm/(n+m) (Numerical Recipes'
 * `kstwo`). scipy's `ks_2samp`, which Evidently calls, computes the exact distribution for small samples
 * instead; the two agree to about a percent of the p-value around the 0.05 threshold.
 */
export function ksPValue(d: number, n: number, m: number): number {
  if (n === 0 || m === 0) return 1;
  const effective = Math.sqrt((n * m) / (n + m));
  return kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * d);
}
