import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joinKeyOf } from '../../server/domain/join-key-value.js';

test('int64 keys: integers and their digits, exact within int64; nothing else', () => {
  const cases: [unknown, unknown][] = [
    [5001, 5001],
    ['5001', 5001],
    ['-5001', -5001],
    ['+5001', 5001],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    [9007199254740993n, 9007199254740993n],
    [5n, 5],
    ['-9223372036854775808', -(2n ** 63n)],
    ['9223372036854775808', undefined],
    [2n ** 63n, undefined],
    [2 ** 53, undefined],
    [5001.5, undefined],
    ['5001.0', undefined],
    ['5e3', undefined],
    [' 5001', undefined],
    ['0x10', undefined],
    ['', undefined],
    [true, undefined],
    [[1], undefined],
    [null, null],
    [undefined, null],
  ];
  for (const [given, expected] of cases) assert.equal(joinKeyOf('int64', given), expected, String(given));
});

test('string keys: non-empty strings as given, integers as their digits', () => {
  const cases: [unknown, unknown][] = [
    ['a', 'a'],
    [' 7 ', ' 7 '],
    ['007', '007'],
    [7, '7'],
    [9007199254740993n, '9007199254740993'],
    [7.5, undefined],
    ['', undefined],
    [false, undefined],
    [{}, undefined],
    [null, null],
  ];
  for (const [given, expected] of cases) assert.equal(joinKeyOf('string', given), expected, String(given));
});
