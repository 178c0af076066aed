import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitTree, predictTree } from '../../examples/ml/decision-tree.js';
import { fitLogistic, predictLogistic } from '../../examples/ml/logistic-regression.js';
import { accuracy, auc, logLoss } from '../../examples/ml/metrics.js';

test('metrics by hand', () => {
  const y = [1, 0, 1, 0];
  const p = [0.9, 0.2, 0.4, 0.6];
  assert.equal(accuracy(y, p), 0.5);
  assert.ok(Math.abs(logLoss(y, p) - -(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4) < 1e-12);
  // Positives score 0.9 and 0.4, negatives 0.2 and 0.6: of 4 pairs, 3 are ordered right.
  assert.equal(auc(y, p), 0.75);
  assert.equal(auc([1, 0], [0.5, 0.5]), 0.5, 'a tie counts half');
});

test('logistic regression recovers a separating direction', () => {
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = (i % 20) / 10 - 1;
    const b = Math.floor(i / 20) / 5 - 1;
    x.push([a, b]);
    y.push(a + 0.2 * b > 0 ? 1 : 0);
  }
  const model = fitLogistic(x, y);
  assert.ok(model.weights[0] > 0 && model.weights[0] > model.weights[1], JSON.stringify(model));
  assert.ok(
    accuracy(
      y,
      x.map((r) => predictLogistic(model, r)),
    ) >= 0.95,
  );
});

test('the tree finds the split by hand and stops at pure leaves', () => {
  // Label 1 exactly when x0 > 2.5: the best first split is halfway between 2 and 3.
  const x = [[0], [1], [2], [3], [4], [5]];
  const y = [0, 0, 0, 1, 1, 1];
  const model = fitTree(x, y, { minLeaf: 1 });
  assert.deepEqual(model.root, { leaf: false, feature: 0, threshold: 2.5, left: { leaf: true, p: 0, n: 3 }, right: { leaf: true, p: 1, n: 3 } });
  assert.equal(predictTree(model, [10]), 1);
});
