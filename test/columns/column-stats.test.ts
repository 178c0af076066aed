import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumnFrom, stringColumnFrom } from '../../server/columns/column.js';
import { StatsAccumulator } from '../../server/columns/column-stats.js';

const close = (a: number | null, b: number, eps = 1e-9) => assert.ok(a !== null && Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} != ${b}`);

test('numeric statistics by hand, merged across batches', () => {
  const acc = new StatsAccumulator('numeric');
  acc.add(numericColumnFrom([1, 2, null]));
  acc.add(numericColumnFrom([4, null, 8]));
  const s = acc.result();
  assert.equal(s.count, 6);
  assert.equal(s.nulls, 2);
  assert.equal(s.min, 1);
  assert.equal(s.max, 8);
  // mean of [1, 2, 4, 8] = 15/4; population variance = (2.75^2 + 1.75^2 + 0.25^2 + 4.25^2) / 4 = 28.75 / 4.
  close(s.mean, 3.75);
  close(s.std, Math.sqrt(28.75 / 4));
  assert.equal(s.distinct, 4);
  assert.deepEqual(s.top, [
    { value: 1, count: 1 },
    { value: 2, count: 1 },
    { value: 4, count: 1 },
    { value: 8, count: 1 },
  ]);
  // 20 bins over [1, 8], width 0.35: 1 -> bin 0, 2 -> bin 2, 4 -> bin 8, 8 -> the last bin.
  const expected = new Array(20).fill(0);
  expected[0] = expected[2] = expected[8] = expected[19] = 1;
  assert.deepEqual(s.histogram, { min: 1, max: 8, counts: expected, estimated: false });
});

test('one-hot style columns are counted exactly; degenerate columns stay finite', () => {
  const acc = new StatsAccumulator('numeric');
  acc.add(numericColumnFrom(Array.from({ length: 10_000 }, (_, i) => (i % 4 === 0 ? 1 : 0))));
  const s = acc.result();
  assert.equal(s.distinct, 2);
  assert.deepEqual(s.top, [
    { value: 0, count: 7500 },
    { value: 1, count: 2500 },
  ]);
  assert.equal(s.histogram!.counts[0], 7500);
  assert.equal(s.histogram!.counts[19], 2500);
  close(s.std, Math.sqrt(0.25 * 0.75));
  const flat = new StatsAccumulator('numeric');
  flat.add(numericColumnFrom([3, 3, 3]));
  const f = flat.result();
  assert.equal(f.std, 0);
  assert.deepEqual(f.histogram!.counts.slice(0, 1), [3]);
  const empty = new StatsAccumulator('numeric');
  empty.add(numericColumnFrom([null, null]));
  assert.deepEqual({ ...empty.result() }, { count: 2, nulls: 2, min: null, max: null, mean: null, std: null, distinct: 0, top: [], histogram: null });
});

test('many distinct values: an estimate within 5%, a scaled histogram, exact moments', () => {
  const acc = new StatsAccumulator('numeric');
  const n = 200_000;
  for (let b = 0; b < 4; b++) acc.add(numericColumnFrom(Array.from({ length: n / 4 }, (_, i) => b * (n / 4) + i)));
  const s = acc.result();
  assert.ok(Math.abs(s.distinct - n) / n < 0.05, `distinct ${s.distinct}`);
  close(s.mean, (n - 1) / 2);
  // Population std of 0..n-1 = sqrt((n^2 - 1) / 12).
  close(s.std, Math.sqrt((n * n - 1) / 12), 1e-6);
  assert.equal(s.histogram!.estimated, true);
  const total = s.histogram!.counts.reduce((a, c) => a + c, 0);
  assert.ok(Math.abs(total - n) <= 20, `histogram total ${total}`);
  // Uniform data: each bin holds about n/20.
  for (const c of s.histogram!.counts) assert.ok(Math.abs(c - n / 20) < (n / 20) * 0.15, `bin ${c}`);
  assert.deepEqual(s.top, []);
});

test('string statistics: counts, nulls, distinct and top categories', () => {
  const acc = new StatsAccumulator('string');
  acc.add(stringColumnFrom(['a', 'b', 'a', null]));
  acc.add(stringColumnFrom(['c', 'a', null, 'b']));
  const s = acc.result();
  assert.equal(s.count, 8);
  assert.equal(s.nulls, 2);
  assert.equal(s.distinct, 3);
  assert.deepEqual(s.top, [
    { value: 'a', count: 3 },
    { value: 'b', count: 2 },
    { value: 'c', count: 1 },
  ]);
  assert.equal(s.mean, null);
  assert.equal(s.histogram, null);
});

test('binary columns (one-hot) give the same statistics from their count of ones', () => {
  const batches = [
    [1, 0, 0, 1, 0],
    [0, 0, 0],
    [1, 1],
  ];
  const fast = new StatsAccumulator('numeric', { binary: true });
  const slow = new StatsAccumulator('numeric');
  for (const b of batches) {
    fast.add(numericColumnFrom(b));
    slow.add(numericColumnFrom(b));
  }
  const [f, s] = [fast.result(), slow.result()];
  close(f.std, s.std!);
  close(f.mean, s.mean!);
  assert.deepEqual({ ...f, std: 0, mean: 0 }, { ...s, std: 0, mean: 0 });
  const zeros = new StatsAccumulator('numeric', { binary: true });
  zeros.add(numericColumnFrom([0, 0]));
  assert.deepEqual([zeros.result().min, zeros.result().max, zeros.result().distinct, zeros.result().std], [0, 0, 1, 0]);
});
