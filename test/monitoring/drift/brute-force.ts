/**
 * Drift statistics straight from their definitions over plain arrays, with nothing shared with the
 * server's code: what the DuckDB queries and the metric functions are checked against.
 */

const ecdf = (sorted: number[], x: number) => {
  let n = 0;
  for (const v of sorted) if (v <= x) n++;
  return n / sorted.length;
};

/** sup |F_a - F_b|, checked at every value of both samples. */
export function bruteKs(a: number[], b: number[]): number {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let best = 0;
  for (const x of [...a, ...b]) best = Math.max(best, Math.abs(ecdf(sa, x) - ecdf(sb, x)));
  return best;
}

/** ∫|F_a - F_b| dx as a Riemann sum over the sorted union of values (the CDFs are steps between them). */
export function bruteWasserstein(a: number[], b: number[]): number {
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  let sum = 0;
  for (let i = 0; i + 1 < xs.length; i++) sum += Math.abs(ecdf(sa, xs[i]) - ecdf(sb, xs[i])) * (xs[i + 1] - xs[i]);
  return sum;
}

export function bruteStd(a: number[]): number {
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  return Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
}

/** The lower q-quantile (inverted CDF): the smallest value with at least q·n values at or below it. */
export function bruteLowerQuantile(a: number[], q: number): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.ceil(q * s.length) - 1];
}

/** Counts in (-∞,e1], (e1,e2], ..., (ek,∞) for the reference's distinct deciles, then the nulls. */
export function bruteDecileBins(reference: (number | null)[], detection: (number | null)[]): { reference: number[]; detection: number[] } {
  const ref = reference.filter((x): x is number => x !== null);
  const edges = [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => bruteLowerQuantile(ref, k / 10)))].sort((x, y) => x - y);
  const count = (side: (number | null)[]) => {
    const bins = new Array<number>(edges.length + 2).fill(0);
    for (const x of side) {
      if (x === null) bins[edges.length + 1]++;
      else {
        let i = 0;
        while (i < edges.length && x > edges[i]) i++;
        bins[i]++;
      }
    }
    return bins;
  };
  return { reference: count(reference), detection: count(detection) };
}

/** A seeded uniform generator (mulberry32) and a Box-Muller normal on it. */
export function seededNormal(seed: number): () => number {
  let t = seed >>> 0;
  const uniform = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Counts per key of both samples, aligned over the union of keys (null a key like any other). */
export function alignedCounts<T>(a: T[], b: T[]): { reference: number[]; detection: number[] } {
  const keys = [...new Set([...a, ...b])];
  return { reference: keys.map((k) => a.filter((x) => x === k).length), detection: keys.map((k) => b.filter((x) => x === k).length) };
}

/** √(½KL(p‖m) + ½KL(q‖m)) with natural logs, straight from the definition. */
export function bruteJs(a: number[], b: number[]): number {
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  let d = 0;
  a.forEach((_, i) => {
    const p = a[i] / sa;
    const q = b[i] / sb;
    const m = (p + q) / 2;
    if (p > 0) d += 0.5 * p * Math.log(p / m);
    if (q > 0) d += 0.5 * q * Math.log(q / m);
  });
  return Math.sqrt(d);
}

/** Σ (q - p) ln(q/p) with empty bins at share 0.0001. */
export function brutePsi(a: number[], b: number[]): number {
  const sa = a.reduce((s, x) => s + x, 0);
  const sb = b.reduce((s, x) => s + x, 0);
  let sum = 0;
  a.forEach((_, i) => {
    const p = a[i] === 0 ? 0.0001 : a[i] / sa;
    const q = b[i] === 0 ? 0.0001 : b[i] / sb;
    sum += (q - p) * Math.log(q / p);
  });
  return sum;
}
