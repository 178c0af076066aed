import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import { JsonValues } from '../../server/offline/json-values.js';

const format = (vector: arrow.Vector) => `[${vector.data.map((d) => new JsonValues().format(d)).join(',')}]`;

test('timestamps: RFC 3339 with Z and ms in every unit, before 1970 and beyond year 9999 too', () => {
  const instants = ['2026-11-01T11:00:00.007Z', '1969-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2000-02-29T12:34:56.789Z'].map(Date.parse);
  const expected = JSON.stringify([...instants.map((ms) => new Date(ms).toISOString()), null, '+010000-01-01T00:00:00.000Z']);
  const values = [...instants, null, Date.parse('+010000-01-01T00:00:00Z')];
  assert.equal(format(arrow.vectorFromArray(values, new arrow.TimestampMillisecond('UTC'))), expected);
  const micros = arrow.makeVector(
    arrow.makeData({
      type: new arrow.TimestampMicrosecond('UTC'),
      length: values.length,
      nullCount: 1,
      nullBitmap: new Uint8Array([0b101111]),
      data: BigInt64Array.from(values, (v) => BigInt(v ?? 0) * 1000n),
    }),
  );
  assert.equal(format(micros), expected);
});

test('64-bit integers keep every digit; other numbers are JSON numbers, NaN and infinities null', () => {
  const big = [0n, -1n, 123456789n, -(2n ** 53n) + 1n, 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 1000000000000000n, 9999999999999999n];
  assert.equal(format(arrow.makeVector(BigInt64Array.from(big))), `[${big.join(',')}]`);
  assert.equal(format(arrow.vectorFromArray([1n, null, 3n], new arrow.Int64())), '[1,null,3]');
  assert.equal(format(arrow.makeVector(BigUint64Array.from([2n ** 64n - 1n, 5n]))), `[${2n ** 64n - 1n},5]`);
  assert.equal(format(arrow.vectorFromArray([0.1, NaN, Infinity, null, -2.5e-7], new arrow.Float64())), '[0.1,null,null,null,-2.5e-7]');
});

test('strings are JSON-escaped, ASCII or not; other types go through their JS values', () => {
  assert.equal(format(arrow.vectorFromArray(['a"b', null, 'line\nbreak', ''], new arrow.Utf8())), JSON.stringify(['a"b', null, 'line\nbreak', '']));
  assert.equal(format(arrow.vectorFromArray(['é', 'ü"', null], new arrow.Utf8())), JSON.stringify(['é', 'ü"', null]));
  assert.equal(format(arrow.vectorFromArray([true, null, false], new arrow.Bool())), '[true,null,false]');
  const sliced = arrow.vectorFromArray(['x', 'yy', 'zzz', 'w'], new arrow.Utf8()).slice(1, 3);
  assert.equal(format(sliced), '["yy","zzz"]');
});

test('sliced chunks: values from the slice, nulls from the bitmap at its offset', () => {
  const ints = arrow.vectorFromArray([1n, null, 3n, 4n, null], new arrow.Int64()).slice(1, 4);
  assert.equal(format(ints), '[null,3,4]');
  const floats = arrow.vectorFromArray([1.5, 2.5, null, 4.5], new arrow.Float64()).slice(1, 3);
  assert.equal(format(floats), '[2.5,null]');
  const times = arrow.vectorFromArray([0, null, 86_400_000], new arrow.TimestampMillisecond('UTC')).slice(1);
  assert.equal(format(times), '[null,"1970-01-02T00:00:00.000Z"]');
});
