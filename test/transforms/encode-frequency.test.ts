import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFrequency, fitFrequency } from '../../server/transforms/encode-frequency.js';
import { num, str, valuesOf } from './fixtures.js';

describe('encode frequency', () => {
  it('is count / non-null fit rows; unseen 0; null stays null', () => {
    // 4 non-null rows: x 2, y 1, z 1
    const state = fitFrequency('string', str(['x', null, 'y', 'x', 'z']));
    assert.deepEqual(state, { categories: ['x', 'y', 'z'], frequencies: [2 / 4, 1 / 4, 1 / 4] });
    assert.deepEqual(valuesOf(applyFrequency('string', str(['z', 'x', 'w', null]), state)), [1 / 4, 2 / 4, 0, null]);
  });

  it('survives JSON with thirds', () => {
    const state = fitFrequency('int64', num([1, 2, 2]));
    assert.deepEqual(state, { categories: ['2', '1'], frequencies: [2 / 3, 1 / 3] });
    const parsed: unknown = JSON.parse(JSON.stringify(state));
    assert.deepEqual(valuesOf(applyFrequency('int64', num([1, 2]), parsed)), [1 / 3, 2 / 3]);
  });

  it('handles categories named like object keys', () => {
    const state = fitFrequency('string', str(['__proto__', 'constructor', '__proto__']));
    const parsed: unknown = JSON.parse(JSON.stringify(state));
    assert.deepEqual(valuesOf(applyFrequency('string', str(['__proto__', 'constructor', 'toString']), parsed)), [2 / 3, 1 / 3, 0]);
  });

  it('fits no category from an all-null column, so everything is 0', () => {
    const state = fitFrequency('bool', num([null, null]));
    assert.deepEqual(state, { categories: [], frequencies: [] });
    assert.deepEqual(valuesOf(applyFrequency('bool', num([true, null]), state)), [0, null]);
  });

  it('refuses a state whose arrays disagree', () => {
    assert.throws(() => applyFrequency('string', str(['a']), { categories: ['a'], frequencies: [] }), { code: 'internal' });
  });
});
