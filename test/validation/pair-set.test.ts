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
