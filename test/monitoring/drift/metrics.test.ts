import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chiSquareTest } from '../../../server/monitoring/drift/chi-square.js';
import { defaultMethod, isDrift } from '../../../server/monitoring/drift/drift-method.js';
import { jensenShannon } from '../../../server/monitoring/drift/jensen-shannon.js';
import { ksPValue } from '../../../server/monitoring/drift/kolmogorov-smirnov.js';
import { psi } from '../../../server/monitoring/drift/psi.js';
import { chiSquareSurvival, erfc, kolmogorovSurvival, logGamma } from '../../../server/monitoring/drift/special-functions.js';
import { normedWasserstein } from '../../../server/monitoring/drift/wasserstein.js';
import { zTest } from '../../../server/monitoring/drift/z-test.js';

const close = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('special functions: Γ at integers and 1/2, chi-square tails with closed forms, erfc, the Kolmogorov quantiles', () => {
  close(logGamma(5), Math.log(24), 1e-10);
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-10);
  // df = 2: P(X >= x) = exp(-x/2); df = 4: exp(-x/2)(1 + x/2); df = 1: erfc(sqrt(x/2)).
  for (const x of [0.1, 1, 3.5, 10, 40]) {
    close(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-12);
    close(chiSquareSurvival(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-12);
  }
  // Tables: chi-square(1) 95th percentile 3.841459; chi-square(10) 95th percentile 18.307038.
  close(chiSquareSurvival(3.841459, 1), 0.05, 1e-7);
  close(chiSquareSurvival(18.307038, 10), 0.05, 1e-7);
  close(erfc(1), 0.157299207050285, 1e-12);
  close(erfc(-0.5), 1.520499877813047, 1e-12);
  // The Kolmogorov distribution's 95% and 99% points: 1.358099, 1.627624.
  close(kolmogorovSurvival(1.358099), 0.05, 1e-6);
  close(kolmogorovSurvival(1.627624), 0.01, 1e-6);
});

test('KS p-value uses N = nm/(n+m) with Stephens’ correction', () => {
  const n = 400;
  const m = 600;
  const en = Math.sqrt((n * m) / (n + m));
  // The statistic whose corrected λ is the 95% point has p = 0.05.
  const d = 1.358099 / (en + 0.12 + 0.11 / en);
  close(ksPValue(d, n, m), 0.05, 1e-6);
  assert.equal(ksPValue(0, n, m), 1);
});

test('PSI on hand-worked bins, with Evidently’s 0.0001 for an empty bin; symmetric', () => {
  // Shares 0.5/0.5 against 0.25/0.75: (0.25-0.5)ln(0.5) + (0.75-0.5)ln(1.5) = 0.25·ln 3.
  close(psi([2, 2], [1, 3]), 0.25 * Math.log(3), 1e-12);
  close(psi([1, 3], [2, 2]), psi([2, 2], [1, 3]), 1e-15);
  close(psi([5, 5, 5], [5, 5, 5]), 0, 1e-15);
  // An empty detection bin counts as share 0.0001: (0.0001-0.5)ln(0.0001/0.5) + (1-0.5)ln(1/0.5).
  close(psi([1, 1], [0, 4]), (0.0001 - 0.5) * Math.log(0.0001 / 0.5) + 0.5 * Math.log(2), 1e-12);
});

test('Jensen-Shannon distance on hand-worked bins: 0 when equal, √ln2 when disjoint', () => {
  close(jensenShannon([3, 1], [3, 1]), 0, 1e-15);
  close(jensenShannon([1, 0], [0, 1]), Math.sqrt(Math.log(2)), 1e-12);
  // p = (1/2, 1/2), q = (1, 0): m = (3/4, 1/4); JSD = ½[½ln(2/3) + ½ln 2] + ½[ln(4/3)].
  const jsd = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) + 0.5 * Math.log(1 / 0.75);
  close(jensenShannon([1, 1], [2, 0]), Math.sqrt(jsd), 1e-12);
});

test('chi-square against a hand computation: expected from the reference shares, k-1 degrees of freedom', () => {
  // Reference 50/30/20 (shares .5/.3/.2), detection 40/40/20 of 100: expected 50/30/20.
  // χ² = 100/50 + 100/30 + 0 = 5.3333; df 2: p = exp(-χ²/2).
  const { statistic, pValue } = chiSquareTest([50, 30, 20], [40, 40, 20]);
  close(statistic, 2 + 10 / 3, 1e-12);
  close(pValue, Math.exp(-(2 + 10 / 3) / 2), 1e-12);
  // df 1 (two categories): 60/40 vs 40/60 of 100: χ² = 400/60 + 400/40 = 16.667; p = erfc(√(χ²/2)).
  const two = chiSquareTest([60, 40], [40, 60]);
  close(two.statistic, 400 / 60 + 10, 1e-12);
  close(two.pValue, erfc(Math.sqrt(two.statistic / 2)), 1e-12);
});

test('two-proportion z-test against a hand computation', () => {
  // p1 = 30/100, p2 = 50/100, pooled 0.4: z = -0.2 / sqrt(0.4·0.6·(2/100)) = -2.886751.
  const { statistic, pValue } = zTest([30, 70], [50, 50]);
  close(statistic, -0.2 / Math.sqrt(0.4 * 0.6 * 0.02), 1e-12);
  close(pValue, erfc(Math.abs(statistic) / Math.SQRT2), 1e-12);
  assert.deepEqual(zTest([10, 0], [5, 0]), { statistic: 0, pValue: 1 });
});

test('normed Wasserstein divides by the reference std, floored at 0.001', () => {
  close(normedWasserstein(2, Math.sqrt(1.25)), 1.7888543819998317, 1e-12);
  close(normedWasserstein(0.5, 0), 500, 1e-9);
});

test('Evidently’s preset choice and its drift rule (p-value below, score at or above)', () => {
  assert.equal(defaultMethod('numeric', 1000, 6), 'ks');
  assert.equal(defaultMethod('numeric', 1000, 5), 'chi_square');
  assert.equal(defaultMethod('numeric', 500, 2), 'z_test');
  assert.equal(defaultMethod('categorical', 10, 3), 'chi_square');
  assert.equal(defaultMethod('numeric', 1001, 6), 'wasserstein');
  assert.equal(defaultMethod('numeric', 1001, 5), 'jensen_shannon');
  assert.equal(defaultMethod('categorical', 5000, 40), 'jensen_shannon');
  assert.equal(isDrift('ks', 0.049, 0.05), true);
  assert.equal(isDrift('ks', 0.05, 0.05), false);
  assert.equal(isDrift('wasserstein', 0.1, 0.1), true);
  assert.equal(isDrift('psi', 0.099, 0.1), false);
});
