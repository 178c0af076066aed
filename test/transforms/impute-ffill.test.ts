import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImputeSpec } from '../../server/domain/transform-spec.js';
import { applyImpute, fitImpute } from '../../server/transforms/impute.js';
import { num, rowsOf, str, valuesOf } from './fixtures.js';

const none: ImputeSpec = { strategy: 'ffill', fallback: 'none' };
const median: ImputeSpec = { strategy: 'ffill', fallback: 'median' };

// Two entities, rows sorted by entity then time.
const entities = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b'];
const values = [1, null, null, 3, null, null, 5, null];

describe('impute ffill', () => {
  it('fills from the same entity only, never across entities', () => {
    const column = num(values);
    const state = fitImpute(none, column, 'f');
    assert.deepEqual(state, {});
    // b's first row has nothing earlier for b; a's 3 must not leak into it
    assert.deepEqual(valuesOf(applyImpute(none, column, state, rowsOf(entities), 'f')), [1, 1, 1, 3, 3, null, 5, 5]);
  });

  it("uses the fit column's median for a value with nothing earlier", () => {
    const column = num(values);
    // non-null fit values [1, 3, 5] -> median 3
    const state = fitImpute(median, column, 'f');
    assert.deepEqual(state, { median: 3 });
    assert.deepEqual(valuesOf(applyImpute(median, column, state, rowsOf(entities), 'f')), [1, 1, 1, 3, 3, 3, 5, 5]);
  });

  it('fits a fallback median of 0 when the fit column has no values', () => {
    const column = num([null, null]);
    const state = fitImpute(median, column, 'f');
    assert.deepEqual(state, { median: 0 });
    assert.deepEqual(valuesOf(applyImpute(median, column, state, rowsOf(['a', 'b']), 'f')), [0, 0]);
  });

  it('seeds each entity from the carry and writes back the last observed value', () => {
    const carry = new Map<string, number | string>([
      ['a', 9],
      ['c', 4],
    ]);
    const column = num([null, 2, null, null, null]);
    const out = applyImpute(median, column, { median: 100 }, rowsOf(['a', 'a', 'a', 'b', 'b'], carry), 'f');
    // a starts from the carried 9; b has no carry and no value -> the fallback median
    assert.deepEqual(valuesOf(out), [9, 2, 2, 100, 100]);
    // a's last observed value is 2; b has none (the fallback is not carried); c is untouched
    assert.deepEqual([...carry].sort(), [
      ['a', 2],
      ['c', 4],
    ]);
  });

  it('keeps a carried value that this batch does not replace', () => {
    const carry = new Map<string, number | string>([['a', 9]]);
    applyImpute(none, num([null, null]), {}, rowsOf(['a', 'a'], carry), 'f');
    assert.equal(carry.get('a'), 9);
  });

  it('gives the same answer in two batches joined by the carry as in one', () => {
    const whole = valuesOf(applyImpute(none, num(values), {}, rowsOf(entities), 'f'));
    const carry = new Map<string, number | string>();
    const first = valuesOf(applyImpute(none, num(values.slice(0, 3)), {}, rowsOf(entities.slice(0, 3), carry), 'f'));
    const second = valuesOf(applyImpute(none, num(values.slice(3)), {}, rowsOf(entities.slice(3), carry), 'f'));
    assert.deepEqual([...first, ...second], whole);
    assert.deepEqual([...carry].sort(), [
      ['a', 3],
      ['b', 5],
    ]);
  });

  it('fills strings, and appends a carried string missing from the dictionary', () => {
    const carry = new Map<string, number | string>([['b', 'zed']]);
    const column = str(['x', null, null, 'y', null]);
    const out = applyImpute(none, column, {}, rowsOf(['a', 'a', 'b', 'b', 'b'], carry), 'f');
    assert.deepEqual(valuesOf(out), ['x', 'x', 'zed', 'y', 'y']);
    assert.deepEqual([...carry].sort(), [
      ['a', 'x'],
      ['b', 'y'],
    ]);
    assert.deepEqual(column.dictionary, ['x', 'y'], 'the input dictionary is untouched');
  });

  it('leaves a string null with nothing earlier', () => {
    assert.deepEqual(valuesOf(applyImpute(none, str([null, 'x']), {}, rowsOf(['a', 'a']), 'f')), [null, 'x']);
  });

  it('writes the carry of the last entity in the batch', () => {
    const carry = new Map<string, number | string>();
    applyImpute(none, str(['p', null, 'q']), {}, rowsOf(['a', 'b', 'b'], carry), 'f');
    assert.deepEqual([...carry].sort(), [
      ['a', 'p'],
      ['b', 'q'],
    ]);
  });

  it('refuses a row context of another length', () => {
    assert.throws(() => applyImpute(none, num([1, 2]), {}, rowsOf(['a']), 'f'), { code: 'internal' });
  });

  it('refuses a carried value of the wrong type', () => {
    const carry = new Map<string, number | string>([['a', 'text']]);
    assert.throws(() => applyImpute(none, num([null]), {}, rowsOf(['a'], carry), 'f'), { code: 'internal' });
  });
});
