/**
 * A CART classification tree for a binary label: splits minimise the weighted Gini impurity, over
 * thresholds halfway between consecutive distinct values; growth stops at `maxDepth`, below
 * `minLeaf` rows per side, or when no split lowers impurity. A leaf predicts its share of positives.
 */
export type TreeNode = { leaf: true; p: number; n: number } | { leaf: false; feature: number; threshold: number; left: TreeNode; right: TreeNode };

export interface TreeModel {
  kind: 'decision_tree';
  root: TreeNode;
}

export function fitTree(x: number[][], y: number[], options: { maxDepth?: number; minLeaf?: number } = {}): TreeModel {
  const maxDepth = options.maxDepth ?? 4;
  const minLeaf = options.minLeaf ?? 20;
  const grow = (rows: number[], depth: number): TreeNode => {
    const positives = rows.reduce((s, i) => s + y[i], 0);
    const leaf: TreeNode = { leaf: true, p: rows.length ? positives / rows.length : 0, n: rows.length };
    if (depth >= maxDepth || rows.length < 2 * minLeaf || positives === 0 || positives === rows.length) return leaf;
    const best = bestSplit(x, y, rows, minLeaf);
    if (!best || best.impurity >= gini(positives, rows.length) * rows.length - 1e-12) return leaf;
    const left = rows.filter((i) => x[i][best.feature] <= best.threshold);
    const right = rows.filter((i) => x[i][best.feature] > best.threshold);
    return { leaf: false, feature: best.feature, threshold: best.threshold, left: grow(left, depth + 1), right: grow(right, depth + 1) };
  };
  return {
    kind: 'decision_tree',
    root: grow(
      x.map((_, i) => i),
      0,
    ),
  };
}

export function predictTree(model: TreeModel, row: number[]): number {
  let node = model.root;
  while (!node.leaf) node = row[node.feature] <= node.threshold ? node.left : node.right;
  return node.p;
}

/** Gini impurity of a node with `positives` of `n` rows. */
function gini(positives: number, n: number): number {
  if (n === 0) return 0;
  const p = positives / n;
  return 2 * p * (1 - p);
}

/** The split with the lowest total impurity (sum over both sides of n * gini). */
function bestSplit(x: number[][], y: number[], rows: number[], minLeaf: number): { feature: number; threshold: number; impurity: number } | null {
  let best: { feature: number; threshold: number; impurity: number } | null = null;
  const total = rows.reduce((s, i) => s + y[i], 0);
  for (let f = 0; f < x[rows[0]].length; f++) {
    const sorted = [...rows].sort((a, b) => x[a][f] - x[b][f]);
    let leftPositives = 0;
    for (let k = 0; k < sorted.length - 1; k++) {
      leftPositives += y[sorted[k]];
      const here = x[sorted[k]][f];
      const next = x[sorted[k + 1]][f];
      const nLeft = k + 1;
      if (here === next || nLeft < minLeaf || sorted.length - nLeft < minLeaf) continue;
      const impurity = nLeft * gini(leftPositives, nLeft) + (sorted.length - nLeft) * gini(total - leftPositives, sorted.length - nLeft);
      if (!best || impurity < best.impurity) best = { feature: f, threshold: (here + next) / 2, impurity };
    }
  }
  return best;
}
