import { selectInPlace } from './select.js';

/**
 * Statistics over numeric columns, shared by imputation and scaling. NaN is null and is skipped; every
 * function returns 0 for a column with no non-null values, so fitted state never holds NaN (which JSON
 * cannot carry) and a degenerate column scales to 0 (docs/semantics.md, "Transform arithmetic").
 */

/** A copy of the non-null values, in row order. */
export function nonNull(values: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) out[j++] = v;
  }
  return out;
}

/**
 * Quantiles by numpy's default method ('linear'): the virtual index q * (n - 1) interpolates between
 * its two closest ranks, with numpy's `_lerp` (from the nearer end), so results match numpy bit for
 * bit. `values` must hold no null and is reordered in place; `qs` must be ascending. All 0 when empty.
 */
export function quantiles(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) return qs.map(() => 0);
  let left = 0;
  return qs.map((q) => {
    const pos = q * (n - 1);
    const lo = Math.floor(pos);
    // Ranks below an earlier selected position are already in place, so each search starts there.
    selectInPlace(values, lo, left);
    left = lo;
    const a = values[lo];
    const t = pos - lo;
    if (t === 0) return a;
    // Everything after position lo is >= a, so the next rank is the smallest of them.
    let b = Infinity;
    for (let i = lo + 1; i < n; i++) if (values[i] < b) b = values[i];
    const d = b - a;
    return t >= 0.5 ? b - d * (1 - t) : a + d * t;
  });
}

export function median(values: Float64Array): number {
  return quantiles(nonNull(values), [0.5])[0];
}

/**
 * Most frequent non-null value, ties to the smallest; 0 when there is none. Integer columns with a
 * modest span (int64, bool) are counted in a table; anything else is sorted so equal values form runs.
 */
export function mode(values: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
  }
  if (count === 0) return 0;
  const span = max - min + 1;
  if (integral && span <= Math.max(1 << 20, count)) {
    const counts = new Int32Array(span);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v) counts[v - min]++;
    }
    let best = 0;
    // Ascending and strictly greater: the smallest value keeps a tie.
    for (let k = 1; k < span; k++) if (counts[k] > counts[best]) best = k;
    return positiveZero(min + best);
  }
  const sorted = nonNull(values).sort();
  let best = sorted[0];
  let bestRun = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && sorted[i] === sorted[i - 1] ? run + 1 : 1;
    if (run > bestRun) {
      bestRun = run;
      best = sorted[i];
    }
  }
  return positiveZero(best);
}

export interface Moments {
  count: number;
  mean: number;
  /** Population standard deviation (divides by n). */
  std: number;
}

/** Mean and population std in two passes: subtracting the mean first keeps the variance accurate. */
export function moments(values: Float64Array): Moments {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) {
      sum += v;
      count++;
    }
  }
  if (count === 0) return { count: 0, mean: 0, std: 0 };
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === v) ss += (v - mean) * (v - mean);
  }
  return { count, mean, std: Math.sqrt(ss / count) };
}

export interface Extent {
  min: number;
  max: number;
  maxAbs: number;
}

export function extent(values: Float64Array): Extent {
  let min = Infinity;
  let max = -Infinity;
  let seen = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    seen = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!seen) return { min: 0, max: 0, maxAbs: 0 };
  return { min, max, maxAbs: Math.max(Math.abs(min), Math.abs(max)) };
}

/** Turns -0 into 0, so a fitted value prints and compares as users expect. */
export function positiveZero(x: number): number {
  return x === 0 ? 0 : x;
}
