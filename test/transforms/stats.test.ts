import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectInPlace } from '../../server/transforms/select.js';
import { extent, median, mode, moments, nonNull, quantiles } from '../../server/transforms/stats.js';
import { lcg } from './fixtures.js';

describe('quantiles (numpy linear)', () => {
  it('interpolates between the closest ranks', () => {
    // sorted [1, 2, 3, 4]: q25 at index 0.25 * 3 = 0.75 -> 1 + (2 - 1) * 0.75 = 1.75;
    // q50 at 1.5 -> 2 + (3 - 2) * 0.5 = 2.5; q75 at 2.25 -> 3 + (4 - 3) * 0.25 = 3.25
    assert.deepEqual(quantiles(Float64Array.of(4, 1, 3, 2), [0.25, 0.5, 0.75]), [1.75, 2.5, 3.25]);
  });

  it('lands on a rank when q * (n - 1) is whole', () => {
    // sorted [1, 2, 3, 4, 10]: indices 1, 2, 3
    assert.deepEqual(quantiles(Float64Array.of(10, 3, 1, 4, 2), [0.25, 0.5, 0.75]), [2, 3, 4]);
  });

  it('follows numpy when t >= 0.5: b - (b - a) * (1 - t)', () => {
    // n = 5, q = 0.4 -> index 1.6 between 0.1 and 0.7: numpy gives 0.7 - 0.6 * 0.4 (not 0.1 + 0.6 * 0.6)
    const sorted = [0, 0.1, 0.7, 1, 2];
    const a = 0.1;
    const b = 0.7;
    const t = 0.4 * 4 - 1;
    assert.equal(quantiles(Float64Array.from(sorted), [0.4])[0], b - (b - a) * (1 - t));
  });

  it('is 0 for no values and the value itself for one', () => {
    assert.deepEqual(quantiles(new Float64Array(0), [0.25, 0.5]), [0, 0]);
    assert.deepEqual(quantiles(Float64Array.of(7), [0.25, 0.5, 0.75]), [7, 7, 7]);
  });

  it('median skips nulls', () => {
    assert.equal(median(Float64Array.of(5, NaN, 1, 3)), 3);
    assert.equal(median(Float64Array.of(NaN, NaN)), 0);
  });

  it('matches a full sort on many random arrays, duplicates included', () => {
    const rnd = lcg(7);
    for (let round = 0; round < 50; round++) {
      const n = 1 + Math.floor(rnd() * 3000);
      const values = Float64Array.from({ length: n }, () => Math.floor(rnd() * (round % 2 === 0 ? 10 : 1e6)));
      const sorted = Float64Array.from(values).sort();
      const qs = [0.1, 0.25, 0.5, 0.75, 0.9];
      const expected = qs.map((q) => {
        const pos = q * (n - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(lo + 1, n - 1);
        const t = pos - lo;
        const d = sorted[hi] - sorted[lo];
        return t === 0 ? sorted[lo] : t >= 0.5 ? sorted[hi] - d * (1 - t) : sorted[lo] + d * t;
      });
      assert.deepEqual(quantiles(values, qs), expected, `round ${round}, n ${n}`);
    }
  });
});

describe('selectInPlace', () => {
  it('puts rank k at position k with smaller values before and larger after', () => {
    const rnd = lcg(3);
    const a = Float64Array.from({ length: 5000 }, () => Math.floor(rnd() * 100));
    const sorted = Float64Array.from(a).sort();
    selectInPlace(a, 1234);
    assert.equal(a[1234], sorted[1234]);
    for (let i = 0; i < 1234; i++) assert.ok(a[i] <= a[1234]);
    for (let i = 1235; i < a.length; i++) assert.ok(a[i] >= a[1234]);
  });
});

describe('moments', () => {
  it('gives the mean and the population std over non-null values', () => {
    const m = moments(Float64Array.of(1, NaN, 2, 4));
    assert.equal(m.count, 3);
    assert.equal(m.mean, 7 / 3);
    assert.equal(m.std, Math.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 3));
  });

  it('is all 0 without values', () => {
    assert.deepEqual(moments(Float64Array.of(NaN)), { count: 0, mean: 0, std: 0 });
  });
});

describe('extent', () => {
  it('skips nulls, and is 0 without values', () => {
    assert.deepEqual(extent(Float64Array.of(NaN, -4, 2, NaN)), { min: -4, max: 2, maxAbs: 4 });
    assert.deepEqual(extent(Float64Array.of(NaN, NaN)), { min: 0, max: 0, maxAbs: 0 });
  });
});

describe('mode', () => {
  it('takes the most frequent value, ties to the smallest (counting path)', () => {
    // 1 and 3 both appear twice; 1 < 3
    assert.equal(mode(Float64Array.of(3, 1, NaN, 3, 1, 2)), 1);
    assert.equal(mode(Float64Array.of(-5, 7, 7, -5)), -5);
    assert.equal(mode(Float64Array.of(2, 9, 9)), 9);
  });

  it('takes the most frequent value, ties to the smallest (sorting path)', () => {
    // non-integers, and integers too far apart for a table
    assert.equal(mode(Float64Array.of(0.5, 0.25, 0.5, 0.25)), 0.25);
    assert.equal(mode(Float64Array.of(1e12, 1, 1e12, 1, 5e15, 5e15, 5e15)), 5e15);
    assert.equal(mode(Float64Array.of(1e12, 1, 1e12, 1)), 1);
  });

  it('is 0 without values and never -0', () => {
    assert.equal(mode(Float64Array.of(NaN)), 0);
    assert.ok(Object.is(mode(Float64Array.of(-0, -0, 0.5)), 0));
  });
});

describe('nonNull', () => {
  it('copies the non-null values in row order', () => {
    assert.deepEqual([...nonNull(Float64Array.of(3, NaN, 1))], [3, 1]);
  });
});
