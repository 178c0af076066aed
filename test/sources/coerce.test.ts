import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestamp, parseTimestampString } from '../../server/domain/time.js';
import { toBool, toFloat64, toInt64, toStringValue, toTimestampMs } from '../../server/sources/coerce.js';

// undefined = cannot be coerced (a reject); null = missing value.
const cases = <T>(fn: (v: unknown) => T, table: [unknown, T][]): void => {
  for (const [input, expected] of table) assert.deepEqual(fn(input), expected, `${fn.name}(${typeof input === 'string' ? JSON.stringify(input) : String(input)})`);
};

describe('coercion', () => {
  it('float64 from numbers and numeric text', () => {
    cases(toFloat64, [
      [1.5, 1.5],
      ['1.5', 1.5],
      ['-0.25', -0.25],
      ['+3', 3],
      ['.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['1.5E-3', 0.0015],
      [' 7 ', 7],
      ['0.1', 0.1],
      // biome-ignore lint/correctness/noPrecisionLoss: the literal is the double the text parses to
      ['123456789012345678', 123456789012345678],
      ['0.30000000000000004', 0.30000000000000004],
      [10n, 10],
      ['', null],
      [null, null],
      [undefined, null],
      [NaN, null],
      ['nan', null],
      ['NaN', null],
      ['NAN', null],
      [Infinity, undefined],
      ['Infinity', undefined],
      ['-inf', undefined],
      ['abc', undefined],
      ['1,5', undefined],
      ['  ', undefined],
      ['0x10', undefined],
      ['0b1', undefined],
      [true, undefined],
      [{}, undefined],
    ]);
    assert.ok(Object.is(toFloat64('-0'), -0));
  });

  it('int64 from integers and integer text, within 2^53', () => {
    cases(toInt64, [
      [42, 42],
      ['42', 42],
      ['-7', -7],
      ['1.0', 1],
      ['1e3', 1000],
      [9007199254740991, 9007199254740991],
      ['-9007199254740991', -9007199254740991],
      [5n, 5],
      ['', null],
      [null, null],
      [NaN, null],
      ['nan', null],
      [1.5, undefined],
      ['1.5', undefined],
      ['9007199254740992', undefined],
      [9007199254740992, undefined],
      [2n ** 60n, undefined],
      ['x', undefined],
      [true, undefined],
      [Infinity, undefined],
    ]);
  });

  it('bool from the usual spellings, in any case', () => {
    cases(toBool, [
      [true, true],
      [false, false],
      ['true', true],
      ['TRUE', true],
      ['False', false],
      ['t', true],
      ['F', false],
      ['yes', true],
      ['No', false],
      ['1', true],
      ['0', false],
      [1, true],
      [0, false],
      [1n, true],
      ['', null],
      [null, null],
      ['2', undefined],
      [2, undefined],
      ['y', undefined],
      ['on', undefined],
      ['truthy', undefined],
      [{}, undefined],
    ]);
  });

  it('string from text, numbers and booleans', () => {
    cases(toStringValue, [
      ['abc', 'abc'],
      [' padded ', ' padded '],
      [12, '12'],
      [1.5, '1.5'],
      [true, 'true'],
      [false, 'false'],
      [7n, '7'],
      ['', null],
      [null, null],
      [undefined, null],
      [NaN, null],
      [{ a: 1 }, undefined],
      [[1], undefined],
    ]);
  });

  it('timestamps from RFC 3339 text, epoch ms numbers and digit strings', () => {
    cases(toTimestampMs, [
      ['2026-11-29T10:00:00Z', Date.UTC(2026, 10, 29, 10)],
      ['2026-11-29T10:00:00+02:00', Date.UTC(2026, 10, 29, 8)],
      ['2026-11-29 10:00:00.123', Date.UTC(2026, 10, 29, 10, 0, 0, 123)],
      [1764410400000, 1764410400000],
      ['1764410400000', 1764410400000],
      [1.9, 1],
      [1764410400000n, 1764410400000],
      [new Date(5), 5],
      ['', null],
      [null, null],
      [NaN, null],
      ['2026-02-30', undefined],
      ['yesterday', undefined],
      [8.64e15 + 1, undefined],
      ['99999999999999999', undefined],
      // Years 0001-9999 UTC only: 8.64e15 was once written back as '+275760-09-13T00:00:00.000Z'.
      [-62_135_596_800_000, -62_135_596_800_000],
      [253_402_300_799_999, 253_402_300_799_999],
      ['9999-12-31T23:59:59.999Z', 253_402_300_799_999],
      [8.64e15, undefined],
      [-62_135_596_800_001, undefined],
      [253_402_300_800_000, undefined],
      ['253402300800000', undefined],
      [253_402_300_800_000n, undefined],
      [new Date(8.64e15), undefined],
      ['0000-12-31T23:59:59Z', undefined],
      ['9999-12-31T23:30:00-01:00', undefined],
      [true, undefined],
    ]);
  });
});

describe('parseTimestampString', () => {
  it('accepts RFC 3339 and its common relaxations', () => {
    const table: [string, number][] = [
      ['2026-01-02', Date.UTC(2026, 0, 2)],
      ['2026-01-02T03:04', Date.UTC(2026, 0, 2, 3, 4)],
      ['2026-01-02 03:04:05', Date.UTC(2026, 0, 2, 3, 4, 5)],
      ['2026-01-02t03:04:05z', Date.UTC(2026, 0, 2, 3, 4, 5)],
      ['2026-01-02T03:04:05.1Z', Date.UTC(2026, 0, 2, 3, 4, 5, 100)],
      ['2026-01-02T03:04:05.12Z', Date.UTC(2026, 0, 2, 3, 4, 5, 120)],
      ['2026-01-02T03:04:05.123999999Z', Date.UTC(2026, 0, 2, 3, 4, 5, 123)],
      ['2026-01-02T03:04:05,5Z', Date.UTC(2026, 0, 2, 3, 4, 5, 500)],
      ['2026-01-02T03:04:05-08:00', Date.UTC(2026, 0, 2, 11, 4, 5)],
      ['2026-01-02T03:04:05+0530', Date.UTC(2026, 0, 1, 21, 34, 5)],
      ['2026-01-02T03:04:05 +05:30', Date.UTC(2026, 0, 1, 21, 34, 5)],
      ['2026-01-02Z', Date.UTC(2026, 0, 2)],
      ['  2026-01-02T03:04Z\t', Date.UTC(2026, 0, 2, 3, 4)],
      ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
      ['2026-12-31T23:59:60Z', Date.UTC(2026, 11, 31, 23, 59, 59)],
      ['1969-12-31T23:59:59.999Z', -1],
      ['0001-01-01T00:00:00Z', -62135596800000],
      ['0050-06-01T00:00:00Z', -60576249600000], // Date.UTC would have said 1950
      ['1700000000000', 1700000000000],
      ['-5', -5],
    ];
    for (const [text, expected] of table) assert.equal(parseTimestampString(text), expected, text);
  });

  it('returns null for anything else', () => {
    for (const text of [
      '',
      ' ',
      '2026-1-02',
      '2026-01-02T3:04',
      '2026-13-01',
      '2026-00-10',
      '2023-02-29',
      '2026-04-31',
      '2026-01-02T24:00',
      '2026-01-02T10:60',
      '2026-01-02T10:00:61',
      '2026-01-02T10:00:00.Z',
      '2026-01-02T10:00:00+24:00',
      '2026-01-02T10:00:00+05:60',
      '2026-01-02T10:00:00+5:30',
      '2026-01-02T10:00:00 UTC',
      '2026-01-02T',
      '2026-01-02  10:00',
      'yesterday',
      '12.5',
      '1e3',
      '--5',
    ]) {
      assert.equal(parseTimestampString(text), null, JSON.stringify(text));
    }
  });

  it('parseTimestamp keeps its number and Date handling', () => {
    assert.equal(parseTimestamp(12.7), 12);
    assert.equal(parseTimestamp(8.64e15 + 1), null);
    assert.equal(parseTimestamp(new Date(Date.UTC(2026, 0, 1))), Date.UTC(2026, 0, 1));
    assert.equal(parseTimestamp('2026-01-01T00:00:00Z'), Date.UTC(2026, 0, 1));
    assert.equal(parseTimestamp({}), null);
  });
});
