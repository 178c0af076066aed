import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// The test clock starts at 2026-11-29T12:00:00Z. Driver 3's only row is 51 h old: past the 1-day ttl,
// so online answers it OUTSIDE_MAX_AGE (value kept) while a point-in-time join finds nothing.
const CSV = `driver_id,event_timestamp,rate,trips,tier
1,2026-11-28T10:00:00Z,0.1,5,silver
1,2026-11-29T10:00:00Z,0.25,10,gold
2,2026-11-29T09:00:00Z,0.5,20,silver
3,2026-11-27T09:00:00Z,0.75,30,gold
5,2026-11-29T11:00:00Z,,7,bronze
`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'event_timestamp' }],
  featureViews: [
    {
      name: 'driver_stats',
      entities: ['driver'],
      source: 'stats',
      ttl: '1d',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64' },
        { name: 'tier', type: 'string' },
      ],
    },
  ],
  featureServices: [
    { name: 'ranker', features: ['driver_stats:rate', 'driver_stats:trips', 'driver_stats:tier'], logging: { sampleRate: 1 } },
    { name: 'unlogged', features: ['driver_stats:rate'] },
  ],
};

const H12 = Date.parse('2026-11-29T12:00:00Z');
let s: Awaited<ReturnType<typeof pipelineServer>>;

const serve = async (ids: number[], requestId: string) => {
  const res = await postJson(`${s.url}/get-online-features`, { feature_service: 'ranker', entities: { driver_id: ids } }, { 'x-request-id': requestId });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};
const skew = async (body: Record<string, unknown>) => {
  const res = await postJson(`${s.url}/api/v1/skew`, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};
// Report bodies are any: the tests check them field by field.
const byFeature = (report: any) => Object.fromEntries(report.features.map((f: any) => [f.feature, f]));

before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle, { featureLogFlushMs: 60_000 });
  const run = await s.materialize('driver_stats');
  assert.equal(run.status, 'succeeded', run.error);
  // 12:00, before any bug: online and offline agree for drivers 1 and 2.
  await serve([1, 2], 'before-bug');
  // 13:10: a serving bug writes driver 2 to the online store only, with a rate training never sees
  // (the offline store keeps 0.5) and its tier lost.
  s.services.clock.set(H12 + 70 * 60_000);
  const planted = await postJson(`${s.url}/write-to-online-store`, {
    feature_view_name: 'driver_stats',
    df: { driver_id: [2], event_timestamp: ['2026-11-29T09:30:00Z'], rate: [0.9], trips: [20], tier: [null] },
  });
  assert.equal(planted.status, 200, JSON.stringify(planted.body));
  const answer = await serve([1, 2, 3, 4, 5], 'after-bug');
  assert.deepEqual(answer.results[1].values, [0.25, 0.9, 0.75, null, null]);
  assert.deepEqual(answer.results[1].statuses, ['PRESENT', 'PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND', 'NULL_VALUE']);
  s.services.clock.set(H12 + 150 * 60_000); // 14:30
  await serve([2], 'later');
  await s.services.featureLog.flush();
});
after(() => s.close());

test('the log holds every served row: request id, keys, request time, each value, event time and status (read by DuckDB)', async () => {
  const glob = `${s.services.files.locate('offline/logs')}/feature_services/service=ranker/date=*/*.parquet`;
  const rows = await duckRows(
    `SELECT driver_id, __request_id AS id, epoch_ms(__log_timestamp) AS t, driver_stats__rate AS rate, driver_stats__rate__status AS status, epoch_ms(driver_stats__rate__timestamp) AS ts, driver_stats__tier AS tier, __feature_versions AS versions FROM read_parquet('${glob}') ORDER BY t, driver_id`,
  );
  const at13 = H12 + 70 * 60_000;
  assert.deepEqual(
    rows.map((r) => [Number(r.driver_id), r.id, Number(r.t), r.rate, r.status, r.ts === null ? null : Number(r.ts), r.tier]),
    [
      [1, 'before-bug', H12, 0.25, 'PRESENT', Date.parse('2026-11-29T10:00:00Z'), 'gold'],
      [2, 'before-bug', H12, 0.5, 'PRESENT', Date.parse('2026-11-29T09:00:00Z'), 'silver'],
      [1, 'after-bug', at13, 0.25, 'PRESENT', Date.parse('2026-11-29T10:00:00Z'), 'gold'],
      [2, 'after-bug', at13, 0.9, 'PRESENT', Date.parse('2026-11-29T09:30:00Z'), null],
      [3, 'after-bug', at13, 0.75, 'OUTSIDE_MAX_AGE', Date.parse('2026-11-27T09:00:00Z'), 'gold'],
      [4, 'after-bug', at13, null, 'NOT_FOUND', null, null],
      [5, 'after-bug', at13, null, 'NULL_VALUE', Date.parse('2026-11-29T11:00:00Z'), 'bronze'],
      [2, 'later', H12 + 150 * 60_000, 0.9, 'PRESENT', Date.parse('2026-11-29T09:30:00Z'), null],
    ],
  );
  assert.equal(rows[0].versions, '{"driver_stats":1}');
});

test('before the bug, online and offline agree: no skew', async () => {
  const report = await skew({ featureService: 'ranker', end: '2026-11-29T12:59:59Z' });
  assert.equal(report.rows, 2);
  for (const f of report.features) {
    assert.equal(f.total, 2);
    assert.equal(f.mismatch + f.onlyOnlineNull + f.onlyOfflineNull + f.bothNull, 0, f.feature);
  }
  assert.equal(byFeature(report).driver_stats__rate.smape, 0);
});

test('the planted serving bug shows up, per feature and per hour, with the counts worked out by hand', async () => {
  const report = await skew({ featureService: 'ranker', start: '2026-11-29T13:00:00Z' });
  assert.equal(report.rows, 6); // 5 rows at 13:10, 1 at 14:30
  const f = byFeature(report);
  // rate at 13:10: d1 0.25=0.25; d2 online 0.9 vs offline 0.5 (mismatch, SMAPE 2*0.4/1.4); d3 0.75 vs
  // null (past the ttl: only offline null); d4 null/null; d5 null/null. At 14:30: d2 again.
  const s2 = (2 * 0.4) / 1.4;
  const rate = f.driver_stats__rate;
  assert.deepEqual([rate.total, rate.bothNull, rate.onlyOnlineNull, rate.onlyOfflineNull, rate.mismatch], [6, 2, 0, 1, 2]);
  assert.ok(Math.abs(rate.smape - (0 + s2 + s2) / 3) < 1e-12, String(rate.smape));
  assert.ok(Math.abs(rate.mismatchRate - 3 / 6) < 1e-12);
  assert.deepEqual(
    rate.hours.map((h: { hour: string; total: number; mismatch: number; onlyOfflineNull: number }) => [h.hour, h.total, h.mismatch, h.onlyOfflineNull]),
    [
      ['2026-11-29T13:00:00.000Z', 5, 1, 1],
      ['2026-11-29T14:00:00.000Z', 1, 1, 0],
    ],
  );
  assert.ok(Math.abs(rate.hours[0].smape - s2 / 2) < 1e-12); // pairs d1 (0) and d2
  // trips: d1 10, d2 20, d5 7 equal both sides; d3 30 vs null; d4 null/null; d2 at 14:30 equal.
  const trips = f.driver_stats__trips;
  assert.deepEqual([trips.total, trips.bothNull, trips.onlyOnlineNull, trips.onlyOfflineNull, trips.mismatch, trips.smape], [6, 1, 0, 1, 0, 0]);
  // tier: d2 lost online (only online null, twice); d3 only offline null; d4 both null; strings have no SMAPE.
  const tier = f.driver_stats__tier;
  assert.deepEqual([tier.total, tier.bothNull, tier.onlyOnlineNull, tier.onlyOfflineNull, tier.mismatch, tier.smape], [6, 1, 2, 1, 0, null]);
});

test('bad skew requests (and a service that does not log) are 400s naming the field; an unknown service is a 404', async () => {
  const bad: [unknown, string][] = [
    [{}, 'featureService'],
    [{ featureService: 'Ranker!' }, 'featureService'],
    [{ featureService: 'ranker', start: 'yesterday' }, 'start'],
    [{ featureService: 'ranker', start: -8.64e15 }, 'start'],
    [{ featureService: 'ranker', start: '2026-11-29T11:00:00Z', end: '0000-12-31T23:59:59Z' }, 'end'],
    [{ featureService: 'ranker', start: '2026-11-29T13:00:00Z', end: '2026-11-29T12:00:00Z' }, 'end'],
    [{ featureService: 'ranker', maxRows: 0 }, 'maxRows'],
    [{ featureService: 'ranker', extra: 1 }, 'extra'],
    // A service without logging: has no logs: nothing was compared, which is not "no skew".
    [{ featureService: 'unlogged' }, 'featureService'],
  ];
  for (const [body, field] of bad) {
    const res = await postJson(`${s.url}/api/v1/skew`, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.type, /application\/problem\+json/);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${JSON.stringify(body)} -> ${JSON.stringify(res.body.errors)}`,
    );
  }
  const missing = await postJson(`${s.url}/api/v1/skew`, { featureService: 'ghost' });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.errors[0].path, 'featureService');
});

test('maxRows compares the oldest rows and says how many it left out', async () => {
  const report = await skew({ featureService: 'ranker', maxRows: 3 });
  assert.equal(report.rows, 3);
  assert.equal(report.skippedRows, 5);
});
