import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyOrdinal, fitOrdinal } from '../../server/transforms/encode-ordinal.js';
import { num, str, valuesOf } from './fixtures.js';

describe('encode ordinal', () => {
  it('codes most frequent first from 0, ties by code point; unseen -1; null stays null', () => {
    // b: 3, a: 2, c: 2 (a before c), d: 1
    const state = fitOrdinal('string', str(['c', 'b', 'a', 'd', 'b', null, 'a', 'c', 'b']));
    assert.deepEqual(state, { categories: ['b', 'a', 'c', 'd'] });
    const out = applyOrdinal('string', str(['a', 'b', 'c', 'd', 'new', null]), state);
    assert.deepEqual(valuesOf(out), [1, 0, 2, 3, -1, null]);
  });

  it('encodes int64 and bool through their canonical strings', () => {
    const ints = fitOrdinal('int64', num([5, 40, 5, 40, 3]));
    // 5 and 40 twice each: "40" < "5" by code point
    assert.deepEqual(ints, { categories: ['40', '5', '3'] });
    assert.deepEqual(valuesOf(applyOrdinal('int64', num([3, 5, 40, 6, null]), ints)), [2, 1, 0, -1, null]);
    const bools = fitOrdinal('bool', num([true, false, false]));
    assert.deepEqual(bools, { categories: ['false', 'true'] });
  });

  it('fits no category from an all-null column, so everything is unseen', () => {
    const state = fitOrdinal('string', str([null]));
    assert.deepEqual(state, { categories: [] });
    assert.deepEqual(valuesOf(applyOrdinal('string', str(['x', null]), state)), [-1, null]);
  });

  it('refuses a malformed state', () => {
    assert.throws(() => applyOrdinal('string', str(['x']), { categories: [1] }), { code: 'internal' });
  });
});
