import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PairSet } from '../../server/validation/pair-set.js';
import { seeded } from '../support/seeded.js';

test('PairSet agrees with a Set of joined strings over 200k random pairs, through its growth', () => {
  const rand = seeded(7);
  const pairs = new PairSet();
  const strings = new Set<string>();
  const base = Date.parse('2027-01-01T00:00:00Z');
  for (let i = 0; i < 200_000; i++) {
    // Few distinct values, so repeats are frequent; negative keys, large epoch ms and 2^53 - 1 included.
    const x = i % 997 === 0 ? Number.MAX_SAFE_INTEGER : Math.floor(rand() * 2000) - 1000;
    const y = base + Math.floor(rand() * 100) * 3_600_000;
    const fresh = !strings.has(`${x}|${y}`);
    strings.add(`${x}|${y}`);
    assert.equal(pairs.add(x, y), fresh, `pair ${i}: (${x}, ${y})`);
  }
});

/** Feeds `pairs` to a PairSet and to a Set of joined strings (NaN never repeats), asserting each answer. */
function agree(pairs: [number, number][]): number {
  const set = new PairSet();
  const strings = new Set<string>();
  let repeats = 0;
  pairs.forEach(([x, y], i) => {
    const id = `${x === 0 ? 0 : x}|${y === 0 ? 0 : y}`;
    const fresh = Number.isNaN(x) || Number.isNaN(y) || !strings.has(id);
    strings.add(id);
    if (!fresh) repeats++;
    assert.equal(set.add(x, y), fresh, `pair ${i}: (${x}, ${y})`);
  });
  return repeats;
}

test('PairSet on pairs in y order: repeats within one y are found, in short and long runs of one y', () => {
  const rand = seeded(11);
  const base = Date.parse('2027-01-01T00:00:00Z');
  const pairs: [number, number][] = [];
  for (let t = 0; t < 2_000; t++) {
    // Runs of 1 to 60 pairs per event time: the scan (under 16) and the Set (longer) both serve.
    const n = 1 + Math.floor(rand() * 60);
    for (let k = 0; k < n; k++) pairs.push([Math.floor(rand() * 40), base + t * 1000]);
  }
  const repeats = agree(pairs);
  assert.ok(repeats > 1_000, `the data repeats pairs (${repeats})`);
});

test('PairSet switching out of order midway still finds pairs it met in order', () => {
  const base = Date.parse('2027-01-01T00:00:00Z');
  const ordered: [number, number][] = Array.from({ length: 100_000 }, (_, i) => [i % 5_000, base + Math.floor(i / 3) * 1000]);
  // Then every earlier pair again, backwards (each a repeat), then new pairs far back in time.
  const again = [...ordered].reverse();
  const older: [number, number][] = Array.from({ length: 1_000 }, (_, i) => [i, base - 1000 * (i + 1)]);
  const repeats = agree([...ordered, ...again, ...older]);
  assert.equal(repeats, 100_000);
});

test('PairSet: NaN is never a repeat and -0 is 0, in order and out of order', () => {
  // Two repeats of a NaN pair (none), of (0, 2) written as -0 (one), of (1, NaN) (none).
  const edges: [number, number][] = [
    [Number.NaN, 1],
    [Number.NaN, 1],
    [-0, 2],
    [0, 2],
    [1, Number.NaN],
    [1, Number.NaN],
  ];
  assert.equal(agree([...edges, [0, -0], [-0, 0]]), 2);
  // The same pairs after the set went out of order.
  assert.equal(agree([[5, 10], [5, 9], ...edges]), 1);
});
