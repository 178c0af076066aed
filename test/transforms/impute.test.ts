import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImputeSpec } from '../../server/domain/transform-spec.js';
import { applyImpute, fitImpute } from '../../server/transforms/impute.js';
import type { Column } from '../../server/columns/column.js';
import { num, singleRows, str, valuesOf } from './fixtures.js';

function impute(spec: ImputeSpec, column: Column): { state: unknown; out: (number | string | null)[] } {
  const state = fitImpute(spec, column, 'f');
  const n = column.kind === 'numeric' ? column.values.length : column.codes.length;
  return { state, out: valuesOf(applyImpute(spec, column, state, singleRows(n), 'f')) };
}

describe('impute mean', () => {
  it('fills nulls with the mean of the non-null values', () => {
    const { state, out } = impute({ strategy: 'mean' }, num([1, null, 2, 4]));
    assert.deepEqual(state, { value: 7 / 3 });
    assert.deepEqual(out, [1, 7 / 3, 2, 4]);
  });

  it('fills with 0 when the fit column has no values', () => {
    const { state, out } = impute({ strategy: 'mean' }, num([null, null]));
    assert.deepEqual(state, { value: 0 });
    assert.deepEqual(out, [0, 0]);
  });

  it('rejects an infinite mean as a transform_error', () => {
    assert.throws(() => fitImpute({ strategy: 'mean' }, num([1, Infinity]), 'speed'), { code: 'transform_error', message: /speed/ });
  });
});

describe('impute median', () => {
  it('uses the middle value of an odd count', () => {
    // sorted [1, 3, 5]
    const { state, out } = impute({ strategy: 'median' }, num([5, 1, null, 3]));
    assert.deepEqual(state, { value: 3 });
    assert.deepEqual(out, [5, 1, 3, 3]);
  });

  it('interpolates between the two middle values of an even count', () => {
    // sorted [1, 2, 3, 4]: index 1.5 -> 2 + (3 - 2) * 0.5
    const { state } = impute({ strategy: 'median' }, num([4, null, 1, 3, 2]));
    assert.deepEqual(state, { value: 2.5 });
  });

  it('fills with 0 when the fit column has no values', () => {
    assert.deepEqual(impute({ strategy: 'median' }, num([null])).state, { value: 0 });
  });
});

describe('impute mode', () => {
  it('takes the most frequent number, ties to the smallest', () => {
    // 3 and 1 twice each -> 1
    const { state, out } = impute({ strategy: 'mode' }, num([3, 1, null, 3, 1, 2]));
    assert.deepEqual(state, { value: 1 });
    assert.deepEqual(out, [3, 1, 1, 3, 1, 2]);
  });

  it('takes false on a bool tie (0 < 1)', () => {
    const { state, out } = impute({ strategy: 'mode' }, num([true, false, null, false, true]));
    assert.deepEqual(state, { value: 0 });
    assert.deepEqual(out, [1, 0, 0, 0, 1]);
  });

  it('takes the most frequent string, ties to the first in code-point order', () => {
    const { state, out } = impute({ strategy: 'mode' }, str(['b', 'a', null, 'b', 'a', 'c']));
    assert.deepEqual(state, { value: 'a' });
    assert.deepEqual(out, ['b', 'a', 'a', 'b', 'a', 'c']);
  });

  it('breaks string ties by code point, not by UTF-16 unit', () => {
    // U+FF5E < U+1F600, though the emoji's first UTF-16 unit (0xD83D) is below 0xFF5E
    assert.deepEqual(impute({ strategy: 'mode' }, str(['\u{1f600}', '\uff5e', null])).state, { value: '\uff5e' });
  });

  it('fills "" and 0 when the fit column has no values', () => {
    assert.deepEqual(impute({ strategy: 'mode' }, str([null, null])), { state: { value: '' }, out: ['', ''] });
    assert.deepEqual(impute({ strategy: 'mode' }, num([null])), { state: { value: 0 }, out: [0] });
  });
});

describe('impute constant', () => {
  it('fills numbers, and keeps no state', () => {
    assert.deepEqual(impute({ strategy: 'constant', value: -1 }, num([null, 2])), { state: {}, out: [-1, 2] });
  });

  it('fills booleans as 0/1', () => {
    assert.deepEqual(impute({ strategy: 'constant', value: true }, num([null, false])).out, [1, 0]);
  });

  it('fills strings, adding the value to the dictionary when new', () => {
    const column = str(['x', null]);
    const out = applyImpute({ strategy: 'constant', value: 'unknown' }, column, {}, singleRows(2), 'f');
    assert.deepEqual(valuesOf(out), ['x', 'unknown']);
    assert.deepEqual(column.dictionary, ['x'], 'the input dictionary is untouched');
  });

  it('reuses an existing dictionary entry', () => {
    const out = applyImpute({ strategy: 'constant', value: 'x' }, str(['x', null]), {}, singleRows(2), 'f');
    assert.ok(out.kind === 'string');
    assert.deepEqual([...out.codes], [0, 0]);
    assert.deepEqual(out.dictionary, ['x']);
  });
});

describe('impute', () => {
  it('never mutates its input', () => {
    const column = num([null, 1]);
    applyImpute({ strategy: 'mean' }, column, { value: 5 }, singleRows(2), 'f');
    assert.ok(Number.isNaN(column.values[0]));
  });

  it('refuses to pass an infinite value on', () => {
    assert.throws(() => applyImpute({ strategy: 'median' }, num([Infinity, null]), { value: 1 }, singleRows(2), 'speed'), {
      code: 'transform_error',
      message: /'speed'.*Infinity/,
    });
    assert.throws(() => applyImpute({ strategy: 'ffill', fallback: 'none' }, num([-Infinity]), {}, singleRows(1), 'speed'), { code: 'transform_error' });
  });

  it('refuses a malformed state', () => {
    assert.throws(() => applyImpute({ strategy: 'mean' }, num([null]), {}, singleRows(1), 'f'), { code: 'internal' });
    assert.throws(() => applyImpute({ strategy: 'mode' }, num([null]), { value: 'a' }, singleRows(1), 'f'), { code: 'internal' });
  });
});
