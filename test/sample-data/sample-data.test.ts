import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { customerProfileRows } from '../../server/sample-data/customer-profiles.js';
import { driverStatsRows, SAMPLE_DRIVERS, STALE_BY_MS, STALE_DRIVER } from '../../server/sample-data/driver-stats.js';
import { writeSampleData } from '../../server/sample-data/write-sample-data.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2027-03-10T15:42:17.250Z');

test('driver stats end at the last full hour for every driver but the stale one, three days earlier', () => {
  const rows = driverStatsRows(NOW);
  const end = Date.parse('2027-03-10T15:00:00.000Z');
  for (const driver of SAMPLE_DRIVERS) {
    const own = rows.filter((r) => r.driver_id === driver);
    assert.equal(own.length, 72);
    const last = Math.max(...own.map((r) => r.event_timestamp));
    assert.equal(last, driver === STALE_DRIVER ? end - STALE_BY_MS : end, String(driver));
    // Hourly, no gaps.
    assert.equal(last - Math.min(...own.map((r) => r.event_timestamp)), 71 * HOUR);
  }
  assert.ok(rows.every((r) => r.event_timestamp <= NOW && r.created === r.event_timestamp + 60_000));
  assert.ok(rows.some((r) => r.conv_rate === null) && rows.some((r) => r.avg_daily_trips === null), 'some values are missing, for the imputers');
  // Sorted by time, then driver.
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].event_timestamp < rows[i].event_timestamp || rows[i - 1].driver_id < rows[i].driver_id);
});

test('sample values are reproducible relative to now: five hours later, the same rows five hours later', () => {
  const strip = (r: Record<string, unknown>, shift: number) => ({
    ...r,
    event_timestamp: (r.event_timestamp as number) - shift,
    ...('created' in r ? { created: (r.created as number) - shift } : {}),
  });
  const later = NOW + 5 * HOUR;
  assert.deepEqual(
    driverStatsRows(later).map((r) => strip({ ...r }, 5 * HOUR)),
    driverStatsRows(NOW).map((r) => strip({ ...r }, 0)),
  );
  assert.deepEqual(
    customerProfileRows(later).map((r) => strip({ ...r }, 5 * HOUR)),
    customerProfileRows(NOW).map((r) => strip({ ...r }, 0)),
  );
  // Another seed, other values.
  assert.notDeepEqual(driverStatsRows(NOW, 1), driverStatsRows(NOW));
});

test('writeSampleData writes the sample files the definitions read, and only those', () => {
  const dir = tempDir();
  writeFiles(dir, { 'a.yaml': 'sources:\n  - {name: s, type: csv, path: ./data/driver_stats.csv, timestampField: event_timestamp}\n' });
  assert.deepEqual(writeSampleData(dir, NOW), ['data/driver_stats.csv']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'data')), ['driver_stats.csv']);
  const csv = fs
    .readFileSync(path.join(dir, 'data', 'driver_stats.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv[0], 'driver_id,event_timestamp,created,conv_rate,acc_rate,avg_daily_trips,car_type,city');
  assert.equal(csv.length, 1 + 720);
  assert.match(csv.at(-1)!, /^10\d\d,2027-03-10T15:00:00\.000Z,2027-03-10T15:01:00\.000Z,/);

  const none = tempDir();
  writeFiles(none, { 'a.yaml': 'sources:\n  - {name: s, type: csv, path: mine.csv, timestampField: ts}\n' });
  assert.throws(() => writeSampleData(none, NOW), /no source in '.*' reads a sample file/);
});
