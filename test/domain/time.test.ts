import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTimestamp, parseTimestamp, utcDate } from '../../server/domain/time.js';

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
