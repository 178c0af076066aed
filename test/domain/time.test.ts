import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, parseTimestamp, parseTimestampString, utcDate } from '../../server/domain/time.js';
import { toTimestampMs } from '../../server/sources/coerce.js';

test('RFC 3339 with Z, offsets, naive (UTC), date only, epoch ms', () => {
  const t = Date.UTC(2026, 10, 29, 10, 0, 0, 0);
  assert.equal(parseTimestamp('2026-11-29T10:00:00Z'), t);
  assert.equal(parseTimestamp('2026-11-29T10:00:00.000Z'), t);
  assert.equal(parseTimestamp('2026-11-29T12:00:00+02:00'), t);
  assert.equal(parseTimestamp('2026-11-29T05:30:00-04:30'), t);
  assert.equal(parseTimestamp('2026-11-29T10:00:00'), t);
  assert.equal(parseTimestamp('2026-11-29 10:00:00'), t);
  assert.equal(parseTimestamp('2026-11-29'), Date.UTC(2026, 10, 29));
  assert.equal(parseTimestamp('2026-11-29T10:00:00.123456Z'), t + 123);
  assert.equal(parseTimestamp(t), t);
  assert.equal(parseTimestamp(String(t)), t);
});

test('not timestamps', () => {
  for (const bad of ['', 'yesterday', '2026-13-01', '2026-02-30', '2026-11-29T25:00:00Z', '2026-11-29T10:00:00+25:00', '29/11/2026']) {
    assert.equal(parseTimestamp(bad), null, bad);
  }
  assert.equal(parseTimestamp(NaN), null);
  assert.equal(parseTimestamp(null), null);
  assert.equal(parseTimestamp({}), null);
});

test('outputs are RFC 3339 with Z and milliseconds', () => {
  assert.equal(formatTimestamp(Date.UTC(2026, 10, 29, 10)), '2026-11-29T10:00:00.000Z');
  assert.equal(utcDate(Date.UTC(2026, 10, 29, 23, 59, 59, 999)), '2026-11-29');
});

test('the fast formatter writes exactly what toISOString writes', async () => {
  const { TimestampFormatter } = await import('../../server/domain/timestamp-formatter.js');
  const f = new TimestampFormatter();
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cases = [0, -1, 1, 86_399_999, 86_400_000, -86_400_001, Date.UTC(2026, 10, 29, 10, 0, 0, 7), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), -62_198_755_200_000];
  for (let i = 0; i < 20_000; i++) cases.push(Math.floor((rand() - 0.3) * 4e12));
  // Each twice in a row: the second answer comes from the kept last one.
  for (const ms of cases) for (let k = 0; k < 2; k++) assert.equal(f.format(ms), new Date(ms).toISOString(), String(ms));
});

test('only years 0001-9999 UTC are timestamps: every accepted instant is written back as text that reads again', () => {
  const min = -62_135_596_800_000;
  const max = 253_402_300_799_999;
  assert.equal(formatTimestamp(min), '0001-01-01T00:00:00.000Z');
  assert.equal(formatTimestamp(max), '9999-12-31T23:59:59.999Z');
  for (const ok of [min, max, '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0001-01-01T01:00:00+01:00', '9999-12-31T22:59:59.999-01:00', String(min), String(max), new Date(max), BigInt(min)]) {
    const ms = parseTimestamp(ok);
    assert.ok(ms === min || ms === max, String(ok));
    assert.equal(parseTimestamp(formatTimestamp(ms as number)), ms, String(ok));
  }
  for (const bad of [
    min - 1,
    max + 1,
    8.64e15,
    -8.64e15,
    -62_198_755_200_001,
    Infinity,
    String(min - 1),
    String(max + 1),
    '8640000000000000',
    '0000-12-31T23:59:59.999Z',
    '0000-06-01',
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
    new Date(8.64e15),
    BigInt(max + 1),
  ]) {
    assert.equal(parseTimestamp(bad), null, String(bad));
  }
});

test('a fraction of a millisecond goes to the earlier millisecond, before 1970 too, in every form', () => {
  // 1969-12-31T23:59:59.998Z is -2 ms: -1.5 ms and the text .9985 both lie after it and before -1.
  assert.equal(parseTimestampString('1969-12-31T23:59:59.9985Z'), -2);
  assert.equal(parseTimestamp(-1.5), -2);
  assert.equal(toTimestampMs(-1.5), -2);
  assert.equal(parseTimestamp(1.5), 1);
  assert.equal(toTimestampMs(1.5), 1);
});
