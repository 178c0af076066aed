import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringColumn } from '../../server/columns/column.js';
import { categoryView, compareCodePoints, countCategories, positionsOf } from '../../server/transforms/categories.js';
import { num, str } from './fixtures.js';

describe('compareCodePoints', () => {
  it('orders by code point where UTF-16 order disagrees', () => {
    const fullwidthTilde = '\uff5e'; // U+FF5E
    const grin = '\u{1f600}'; // U+1F600, UTF-16 \ud83d\ude00, below U+FF5E unit by unit
    assert.ok(grin < fullwidthTilde, 'UTF-16 order puts the emoji first');
    assert.ok(compareCodePoints(fullwidthTilde, grin) < 0);
    assert.ok(compareCodePoints(grin, fullwidthTilde) > 0);
  });

  it('compares within a surrogate pair and by length', () => {
    assert.ok(compareCodePoints('x\u{1f600}', 'x\u{1f601}') < 0);
    assert.ok(compareCodePoints('ab', 'abc') < 0);
    assert.equal(compareCodePoints('abc', 'abc'), 0);
    assert.ok(compareCodePoints('B', 'a') < 0, 'upper case letters come first');
  });

  it('ranks a lone high surrogate (U+D800) below U+E000', () => {
    assert.ok(compareCodePoints('\ud800', '\ue000') < 0);
    assert.ok(compareCodePoints('\ud800x', '\ud800y') < 0);
  });
});

describe('categoryView', () => {
  it('passes string columns through', () => {
    const column = str(['a', null, 'b']);
    assert.equal(categoryView(column, 'string'), column);
  });

  it('writes int64 values in decimal (table path)', () => {
    const view = categoryView(num([10, 9, null, 10, -3]), 'int64');
    assert.deepEqual(view.dictionary, ['10', '9', '-3']);
    assert.deepEqual([...view.codes], [0, 1, -1, 0, 2]);
  });

  it('writes int64 values in decimal (map path, values far apart)', () => {
    const view = categoryView(num([1e15, 1, null, 1e15, 2 ** 53]), 'int64');
    assert.deepEqual(view.dictionary, ['1000000000000000', '1', '9007199254740992']);
    assert.deepEqual([...view.codes], [0, 1, -1, 0, 2]);
  });

  it('writes bool values as "true" / "false"', () => {
    const view = categoryView(num([true, false, null, true]), 'bool');
    assert.deepEqual(
      [...view.codes].map((c) => (c < 0 ? null : view.dictionary[c])),
      ['true', 'false', null, 'true'],
    );
  });

  it('has no categories for an all-null int64 column', () => {
    const view = categoryView(num([null, null]), 'int64');
    assert.deepEqual(view.dictionary, []);
    assert.deepEqual([...view.codes], [-1, -1]);
  });
});

describe('countCategories', () => {
  it('orders by count, then code point, and counts non-null rows', () => {
    const counts = countCategories(str(['b', 'a', null, 'c', 'b', 'a', 'd', 'c', 'b']));
    // b: 3; a, c: 2 each (a first); d: 1
    assert.deepEqual(counts, { names: ['b', 'a', 'c', 'd'], counts: [3, 2, 2, 1], total: 8 });
  });

  it('uses code-point order for ties when strings go beyond U+D7FF', () => {
    const counts = countCategories(str(['\u{1f600}', '\uff5e']));
    assert.deepEqual(counts.names, ['\uff5e', '\u{1f600}']);
  });

  it('sums a repeated dictionary entry and skips unused entries', () => {
    const column = stringColumn(Int32Array.of(0, 1, 2, 1), ['x', 'y', 'x', 'unused']);
    assert.deepEqual(countCategories(column), { names: ['x', 'y'], counts: [2, 2], total: 4 });
  });
});

describe('positionsOf', () => {
  it('finds each dictionary entry among the names, -1 when absent', () => {
    assert.deepEqual([...positionsOf(['c', 'a', 'z'], ['a', 'b', 'c'])], [2, 0, -1]);
  });
});
