import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import { JsonValues } from '../../server/offline/json-values.js';
import { duckRows } from '../support/duckdb.js';

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

/** A Decimal column from unscaled values (null for null), in Arrow's layout: 32-bit words, least significant first. */
function decimalVector(unscaled: (bigint | null)[], scale: number, precision: number, bitWidth = 128): arrow.Vector {
  const stride = bitWidth / 32;
  const words = new Uint32Array(unscaled.length * stride);
  const bitmap = new Uint8Array((unscaled.length + 7) >> 3);
  unscaled.forEach((v, i) => {
    if (v === null) return;
    bitmap[i >> 3] |= 1 << (i & 7);
    const bits = BigInt.asUintN(bitWidth, v);
    for (let w = 0; w < stride; w++) words[i * stride + w] = Number((bits >> BigInt(32 * w)) & 0xffffffffn);
  });
  const nulls = unscaled.filter((v) => v === null).length;
  return arrow.makeVector(arrow.makeData({ type: new arrow.Decimal(scale, precision, bitWidth), length: unscaled.length, nullCount: nulls, nullBitmap: bitmap, data: words }));
}

test('decimals: their exact digits with the scale as JSON numbers, never the unscaled integer', () => {
  assert.equal(format(decimalVector([150n, -5n, 0n, null, 700n, -12345n], 2, 10)), '[1.50,-0.05,0.00,null,7.00,-123.45]');
  // DECIMAL(38,10) beyond a double's 15-17 digits keeps every one; the extremes of 128 bits too.
  const wide = 123456789012345678901234567891n;
  assert.equal(format(decimalVector([wide, -wide, -15000000000n], 10, 38)), '[12345678901234567890.1234567891,-12345678901234567890.1234567891,-1.5000000000]');
  assert.equal(format(decimalVector([10n ** 38n - 1n, -(10n ** 38n) + 1n], 0, 38)), `[${10n ** 38n - 1n},${-(10n ** 38n) + 1n}]`);
  // -2^127 = -170141183460469231731687303715884105728: the most negative 128-bit value, its sign word all ones.
  assert.equal(format(decimalVector([-(2n ** 127n)], 38, 38)), '[-1.70141183460469231731687303715884105728]');
  // 32- and 64-bit decimals, and a sliced chunk (values and nulls from the slice).
  assert.equal(format(decimalVector([-1n, 123n], 1, 9, 32)), '[-0.1,12.3]');
  assert.equal(format(decimalVector([-(2n ** 63n), 5n], 3, 18, 64)), '[-9223372036854775.808,0.005]');
  assert.equal(format(decimalVector([1n, null, 250n, -250n], 2, 4).slice(1, 3)), '[null,2.50]');
  // JSON.parse reads them as numbers.
  assert.deepEqual(JSON.parse(format(decimalVector([150n, -5n, null], 2, 10))), [1.5, -0.05, null]);
});

test('dates: "YYYY-MM-DD", before 1970 and beyond year 9999 as Date writes them, in days or milliseconds', () => {
  const days = [0, -1, 20_758, -719_528, 2_932_897, 100_000_000, -100_000_000];
  // Date's own calendar is the reference where it reaches (100,000,000 days each side of 1970).
  const expected = days.map((d) => new Date(d * 86_400_000).toISOString().split('T')[0]);
  assert.deepEqual(expected.slice(0, 5), ['1970-01-01', '1969-12-31', '2026-11-01', '0000-01-01', '+010000-01-01']);
  assert.equal(format(arrow.vectorFromArray([...days.map((d) => d * 86_400_000), null], new arrow.DateDay())), JSON.stringify([...expected, null]));
  const ms = arrow.makeVector(arrow.makeData({ type: new arrow.DateMillisecond(), length: 2, nullCount: 0, data: BigInt64Array.from([-86_400_000n, 1_793_491_200_000n]) }));
  assert.equal(format(ms), '["1969-12-31","2026-11-01"]');
  assert.equal(format(arrow.vectorFromArray([0, 86_400_000, null, 2 * 86_400_000], new arrow.DateDay()).slice(1, 4)), '["1970-01-02",null,"1970-01-03"]');
});

test("dates beyond what Date holds, to the ends of DuckDB's DATE range", async () => {
  // DuckDB is the reference: its day numbers for its first and last dates.
  const [ends] = await duckRows("SELECT CAST(DATE '5881580-07-10' - DATE '1970-01-01' AS INTEGER) AS last, CAST(DATE '5877642-06-25 (BC)' - DATE '1970-01-01' AS INTEGER) AS first");
  const data = arrow.makeData({ type: new arrow.DateDay(), length: 2, nullCount: 0, data: Int32Array.from([ends.last as number, ends.first as number]) });
  // 5877642 BC is astronomical year -5877641 (1 BC is year 0).
  assert.equal(format(arrow.makeVector(data)), '["+5881580-07-10","-5877641-06-25"]');
});

test('times: "HH:MM:SS" with the unit\'s fraction digits when not zero; UUIDs as canonical text', () => {
  const micros = arrow.makeVector(
    arrow.makeData({ type: new arrow.TimeMicrosecond(), length: 4, nullCount: 1, nullBitmap: new Uint8Array([0b1011]), data: BigInt64Array.from([36_672_500_000n, 0n, 0n, 86_399_999_999n]) }),
  );
  assert.equal(format(micros), '["10:11:12.500000","00:00:00",null,"23:59:59.999999"]');
  assert.equal(format(micros.slice(2)), '[null,"23:59:59.999999"]');
  const millis = arrow.makeVector(arrow.makeData({ type: new arrow.TimeMillisecond(), length: 2, nullCount: 0, data: Int32Array.from([45_296_007, 60_000]) }));
  assert.equal(format(millis), '["12:34:56.007","00:01:00"]');
  const seconds = arrow.makeVector(arrow.makeData({ type: new arrow.TimeSecond(), length: 1, nullCount: 0, data: Int32Array.from([86_399]) }));
  assert.equal(format(seconds), '["23:59:59"]');
  const nanos = arrow.makeVector(arrow.makeData({ type: new arrow.TimeNanosecond(), length: 1, nullCount: 0, data: BigInt64Array.from([1_000_000_001n]) }));
  assert.equal(format(nanos), '["00:00:01.000000001"]');

  const ids = ['123e4567-e89b-12d3-a456-426614174000', 'ffffffff-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000000'];
  const bytes = Buffer.from(ids.map((id) => id.replaceAll('-', '')).join(''), 'hex');
  const uuids = arrow.makeVector(arrow.makeData({ type: new arrow.FixedSizeBinary(16), length: 3, nullCount: 1, nullBitmap: new Uint8Array([0b101]), data: new Uint8Array(bytes) }));
  assert.equal(format(uuids), JSON.stringify([ids[0], null, ids[2]]));
  assert.equal(format(uuids.slice(1)), JSON.stringify([null, ids[2]]));
});
