/**
 * Jensen-Shannon distance (the square root of the divergence, natural log, so at most √ln2) over
 * aligned bins, as scipy's `jensenshannon` on the bins' shares. Empty bins stay empty (Evidently
 * bins without filling zeroes here): the measure is finite without smoothing, 0·ln 0 counting as 0.
 */
export function jensenShannon(referenceCounts: readonly number[], detectionCounts: readonly number[]): number {
  const p = shares(referenceCounts);
  const q = shares(detectionCounts);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) divergence += (p[i] * Math.log(p[i] / m)) / 2;
    if (q[i] > 0) divergence += (q[i] * Math.log(q[i] / m)) / 2;
  }
  return Math.sqrt(Math.max(0, divergence));
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 1 / counts.length : c / total));
}
