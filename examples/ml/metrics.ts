/** Share of rows where `p >= 0.5` matches the 0/1 label. */
export function accuracy(y: number[], p: number[]): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if ((p[i] >= 0.5 ? 1 : 0) === y[i]) right++;
  return right / y.length;
}

/** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]. */
export function logLoss(y: number[], p: number[]): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - 1e-15, Math.max(1e-15, p[i]));
    total -= y[i] ? Math.log(q) : Math.log(1 - q);
  }
  return total / y.length;
}

/** Area under the ROC curve: the probability a random positive scores above a random negative (ties count half). */
export function auc(y: number[], p: number[]): number {
  const order = p.map((score, i) => ({ score, label: y[i] })).sort((a, b) => a.score - b.score);
  // Average ranks over ties (Mann-Whitney U).
  let rankSumPositives = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j].score === order[i].score) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (order[k].label) {
        rankSumPositives += rank;
        positives++;
      }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}
