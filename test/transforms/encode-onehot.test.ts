import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EncodeSpec } from '../../server/domain/transform-spec.js';
import type { FeatureType } from '../../server/domain/value-type.js';
import { applyOnehot, categorySlug, categorySuffixes, fitOnehot } from '../../server/transforms/encode-onehot.js';
import type { Column } from '../../server/columns/column.js';
import { num, str, valuesOf } from './fixtures.js';

type OnehotSpec = Extract<EncodeSpec, { method: 'onehot' }>;

function spec(maxCategories = 20, unknown: 'zeros' | 'other' = 'zeros'): OnehotSpec {
  return { method: 'onehot', maxCategories, unknown };
}

/** Output as {suffix: values}, in column order. */
function table(s: OnehotSpec, type: FeatureType, column: Column, state: unknown): [string, unknown[]][] {
  return applyOnehot(s, type, column, state).map((o) => {
    assert.equal(o.type, 'int64');
    return [o.suffix, valuesOf(o.column)];
  });
}

describe('categorySlug', () => {
  it('lower-cases and squeezes every run outside [a-z0-9] into one _', () => {
    assert.equal(categorySlug('Hello World!'), 'hello_world');
    assert.equal(categorySlug('__A--b  c__'), 'a_b_c');
    assert.equal(categorySlug('SUV'), 'suv');
    assert.equal(categorySlug('4x4'), '4x4');
    assert.equal(categorySlug('Ünïcode'), 'n_code');
  });

  it('names an empty slug "empty"', () => {
    assert.equal(categorySlug(''), 'empty');
    assert.equal(categorySlug('!!!'), 'empty');
    assert.equal(categorySlug('日本'), 'empty');
  });
});

describe('categorySuffixes', () => {
  it('suffixes collisions _2, _3 in category order', () => {
    assert.deepEqual(categorySuffixes(['a b', 'A-B', 'a_b', 'c']), ['a_b', 'a_b_2', 'a_b_3', 'c']);
  });

  it('never hands out a suffix twice, even one that looks like a renamed collision', () => {
    assert.deepEqual(categorySuffixes(['x', 'X', 'x_2']), ['x', 'x_2', 'x_2_2']);
  });

  it('skips reserved suffixes', () => {
    assert.deepEqual(categorySuffixes(['Other', 'other!'], ['other']), ['other_2', 'other_3']);
  });
});

describe('encode onehot', () => {
  it('keeps the top maxCategories by frequency, ties by code point', () => {
    // van: 3; suv, Sedan: 2 each ('Sedan' < 'suv': upper case first); coupe: 1
    const column = str(['van', 'suv', 'Sedan', 'van', 'coupe', 'suv', 'Sedan', 'van', null]);
    const state = fitOnehot(spec(3), 'string', column);
    assert.deepEqual(state, { categories: ['van', 'Sedan', 'suv'], suffixes: ['van', 'sedan', 'suv'] });
    assert.deepEqual(table(spec(3), 'string', str(['suv', 'coupe', null, 'van']), state), [
      ['van', [0, 0, 0, 1]],
      ['sedan', [0, 0, 0, 0]],
      ['suv', [1, 0, 0, 0]],
    ]);
  });

  it("adds an 'other' column for non-null unseen values", () => {
    const s = spec(20, 'other');
    const state = fitOnehot(s, 'string', str(['a', 'b', 'a']));
    assert.deepEqual(table(s, 'string', str(['a', 'zzz', null, 'b']), state), [
      ['a', [1, 0, 0, 0]],
      ['b', [0, 0, 0, 1]],
      ['other', [0, 1, 0, 0]],
    ]);
  });

  it("renames a category slugged 'other' when the other column exists", () => {
    const s = spec(20, 'other');
    const state = fitOnehot(s, 'string', str(['Other', 'Other', 'x']));
    assert.deepEqual(state, { categories: ['Other', 'x'], suffixes: ['other_2', 'x'] });
    assert.deepEqual(table(s, 'string', str(['Other', 'new']), state), [
      ['other_2', [1, 0]],
      ['x', [0, 0]],
      ['other', [0, 1]],
    ]);
    assert.deepEqual(fitOnehot(spec(), 'string', str(['Other'])).suffixes, ['other'], "without it, 'other' is free");
  });

  it('has no columns (or only other) when the fit column has no values', () => {
    const state = fitOnehot(spec(), 'string', str([null]));
    assert.deepEqual(state, { categories: [], suffixes: [] });
    assert.deepEqual(table(spec(), 'string', str(['a']), state), []);
    assert.deepEqual(table(spec(20, 'other'), 'string', str(['a', null]), state), [['other', [1, 0]]]);
  });

  it('encodes a single category', () => {
    const state = fitOnehot(spec(), 'string', str(['only', 'only']));
    assert.deepEqual(table(spec(), 'string', str(['only', null]), state), [['only', [1, 0]]]);
  });

  it('encodes int64 as decimal strings, ties in code-point order ("10" < "9")', () => {
    const state = fitOnehot(spec(), 'int64', num([9, 10, null, -2, 9, 10]));
    assert.deepEqual(state, { categories: ['10', '9', '-2'], suffixes: ['10', '9', '2'] });
    assert.deepEqual(table(spec(), 'int64', num([-2, 10, 7]), state), [
      ['10', [0, 1, 0]],
      ['9', [0, 0, 0]],
      ['2', [1, 0, 0]],
    ]);
  });

  it('encodes bool as "true" / "false"', () => {
    const state = fitOnehot(spec(), 'bool', num([true, false, true]));
    assert.deepEqual(state, { categories: ['true', 'false'], suffixes: ['true', 'false'] });
    assert.deepEqual(table(spec(), 'bool', num([false, null]), state), [
      ['true', [0, 0]],
      ['false', [1, 0]],
    ]);
  });

  it('refuses a state whose arrays disagree', () => {
    assert.throws(() => applyOnehot(spec(), 'string', str(['a']), { categories: ['a'], suffixes: [] }), { code: 'internal' });
  });
});
