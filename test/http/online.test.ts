import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// The test clock is 2026-11-29T12:00:00Z; the view's ttl is one day.
const CSV = `driver_id,ts,rate,trips,active,kind
1,2026-11-29T10:00:00Z,0.5,3,true,a
2,2026-11-29T11:00:00Z,,4,false,b
3,2026-11-27T00:00:00Z,0.9,5,true,a
1,2026-11-28T10:00:00Z,0.1,1,false,b
5,2026-11-27T00:00:00Z,,,,
`;
const TRIPS = `city,driver_id,ts,n
Paris,1,2026-11-29T00:00:00Z,10
Lyon,1,2026-11-29T00:00:00Z,20
`;

const bundle: BundleInput = {
  entities: [
    { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { name: 'city', joinKeys: ['city'], valueType: 'string' },
  ],
  sources: [
    { name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' },
    { name: 'trips', type: 'csv', path: 'trips.csv', timestampField: 'ts' },
  ],
  featureViews: [
    {
      name: 'drv',
      entities: ['driver'],
      source: 'stats',
      ttl: '1d',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64' },
        { name: 'active', type: 'bool' },
        { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
    { name: 'city_trips', entities: ['city', 'driver'], source: 'trips', features: [{ name: 'n', type: 'int64' }] },
  ],
  featureServices: [{ name: 'model', features: ['drv:rate', 'city_trips:n'] }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV, 'trips.csv': TRIPS }, bundle);
  await s.materialize('drv');
  await s.materialize('city_trips');
});
after(() => s.close());

const online = (body: unknown) => postJson(`${s.url}/get-online-features`, body);
// Feast writes timestamps in protobuf's JSON form: no fraction when it is zero.
const EPOCH = '1970-01-01T00:00:00Z';

test('Feast-shaped answer with every status', async () => {
  const res = await online({ features: ['drv:rate', 'drv:trips', 'drv:active'], entities: { driver_id: [1, 2, 3, 4] } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {
    metadata: { feature_names: ['driver_id', 'rate', 'trips', 'active'] },
    results: [
      { values: [1, 2, 3, 4], statuses: ['PRESENT', 'PRESENT', 'PRESENT', 'PRESENT'], event_timestamps: [EPOCH, EPOCH, EPOCH, EPOCH] },
      {
        values: [0.5, null, 0.9, null],
        statuses: ['PRESENT', 'NULL_VALUE', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
        event_timestamps: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z', '2026-11-27T00:00:00Z', EPOCH],
      },
      {
        values: [3, 4, 5, null],
        statuses: ['PRESENT', 'PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
        event_timestamps: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z', '2026-11-27T00:00:00Z', EPOCH],
      },
      {
        values: [true, false, true, null],
        statuses: ['PRESENT', 'PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
        event_timestamps: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z', '2026-11-27T00:00:00Z', EPOCH],
      },
    ],
  });
});

test("a null value of a row older than the ttl answers OUTSIDE_MAX_AGE, not NULL_VALUE: staleness is the row's", async () => {
  // Driver 5's row is from 2026-11-27, older than now - 1d, and every value of it is null; driver 2's
  // null rate is fresh.
  const res = await online({ features: ['drv:rate', 'drv:kind'], entities: { driver_id: [5, 2] } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.results.slice(1), [
    { values: [null, null], statuses: ['OUTSIDE_MAX_AGE', 'NULL_VALUE'], event_timestamps: ['2026-11-27T00:00:00Z', '2026-11-29T11:00:00Z'] },
    // A null category is all zeros in a one-hot column: a value, stale all the same.
    { values: [0, 0], statuses: ['OUTSIDE_MAX_AGE', 'PRESENT'], event_timestamps: ['2026-11-27T00:00:00Z', '2026-11-29T11:00:00Z'] },
    { values: [0, 1], statuses: ['OUTSIDE_MAX_AGE', 'PRESENT'], event_timestamps: ['2026-11-27T00:00:00Z', '2026-11-29T11:00:00Z'] },
  ]);
  // A training row at the same instant finds no row for driver 5 within the ttl: null, as the status says.
  const hist = await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: { driver_id: [5], event_timestamp: ['2026-11-29T12:00:00Z'] } });
  assert.deepEqual(hist.body.rate, [null]);
});

test('one-hot base names expand; full feature names; composite keys; feature services', async () => {
  const res = await online({ features: ['drv:kind', 'city_trips:n'], entities: { driver_id: [1, 2], city: ['Lyon', 'Nice'] }, full_feature_names: true });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.metadata.feature_names, ['driver_id', 'city', 'drv__kind__a', 'drv__kind__b', 'city_trips__n']);
  assert.deepEqual(res.body.results[2].values, [1, 0]);
  assert.deepEqual(res.body.results[3].values, [0, 1]);
  assert.deepEqual(res.body.results[4].values, [20, null]);
  assert.deepEqual(res.body.results[4].statuses, ['PRESENT', 'NOT_FOUND']);
  const service = await online({ feature_service: 'model', entities: { driver_id: [1], city: ['Paris'] } });
  assert.deepEqual(service.body.metadata.feature_names, ['driver_id', 'city', 'rate', 'n']);
  assert.deepEqual(
    service.body.results.map((r: { values: unknown[] }) => r.values[0]),
    [1, 'Paris', 0.5, 10],
  );
  const single = await online({ features: ['drv:kind__b'], entities: { driver_id: [2] } });
  assert.deepEqual(single.body.metadata.feature_names, ['driver_id', 'kind__b']);
});

test('view@N reads a pinned version; a changed definition serves the new version by default', async () => {
  const changed = structuredClone(bundle);
  changed.featureViews![0].features[0] = { name: 'rate', type: 'float64', transforms: [{ scale: { method: 'maxabs' } }] };
  changed.featureServices = [];
  const applied = await postJson(`${s.url}/api/v1/apply`, changed);
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  // Not materialized yet: the new version has no rows, version 1 still has.
  const before = await online({ features: ['drv:rate', 'drv@1:trips'], entities: { driver_id: [1] }, full_feature_names: true });
  assert.deepEqual(before.body.results[1].statuses, ['NOT_FOUND']);
  assert.deepEqual(before.body.results[2].values, [3]);
  await s.materialize('drv');
  const after = await online({ features: ['drv:rate', 'drv@1:rate'], entities: { driver_id: [1] }, full_feature_names: true });
  assert.equal(after.status, 400, 'two versions of one feature clash, even with full names');
  const v2 = await online({ features: ['drv@2:rate'], entities: { driver_id: [1] } });
  // maxabs over [0.5, 0.9, 0.1] (nulls ignored): 0.5 / 0.9.
  assert.equal(v2.body.results[1].values[0], 0.5 / 0.9);
  const v1 = await online({ features: ['drv@1:rate'], entities: { driver_id: [1] } });
  assert.equal(v1.body.results[1].values[0], 0.5);
  await postJson(`${s.url}/api/v1/apply`, bundle);
});

test('bad input: 4xx problem documents naming the field', async () => {
  const cases: [unknown, number, string][] = [
    [{ features: ['nope:rate'], entities: { driver_id: [1] } }, 404, 'features[0]'],
    [{ features: ['drv:nope'], entities: { driver_id: [1] } }, 404, 'features[0]'],
    [{ features: ['drv'], entities: { driver_id: [1] } }, 400, 'features[0]'],
    [{ features: ['drv:rate', 'drv@x:rate'], entities: { driver_id: [1] } }, 400, 'features[1]'],
    [{ features: ['drv:rate'], entities: { city: ['x'] } }, 400, 'entities.driver_id'],
    [{ features: ['drv:rate'], entities: { driver_id: [1, 'x'] } }, 400, 'entities.driver_id[1]'],
    [{ features: ['drv:rate'], entities: { driver_id: [1.5] } }, 400, 'entities.driver_id[0]'],
    [{ features: ['drv:rate', 'city_trips:n'], entities: { driver_id: [1, 2], city: ['a'] } }, 400, 'entities.city'],
    [{ features: ['drv:rate'], entities: {} }, 400, 'entities'],
    [{ features: ['drv:rate'] }, 400, 'entities'],
    [{ entities: { driver_id: [1] } }, 400, 'features'],
    [{ features: [], entities: { driver_id: [1] } }, 400, 'features'],
    [{ features: ['drv:rate'], feature_service: 'model', entities: { driver_id: [1] } }, 400, 'feature_service'],
    [{ feature_service: 'ghost', entities: { driver_id: [1] } }, 404, 'feature_service'],
    [{ features: 'drv:rate', entities: { driver_id: [1] } }, 400, 'features'],
    [{ features: ['drv:rate'], entities: { driver_id: [1] }, full_feature_names: 'yes' }, 400, 'full_feature_names'],
    [{ features: ['drv:rate'], entities: { driver_id: [1] }, extra: 1 }, 400, 'extra'],
    ['{"features": [', 400, '(body)'],
    ['', 400, '(body)'],
    ['[1, 2]', 400, '(body)'],
  ];
  for (const [body, status, path] of cases) {
    const res = await online(body);
    assert.equal(res.status, status, `${JSON.stringify(body).slice(0, 80)} -> ${JSON.stringify(res.body)}`);
    assert.match(res.type, /application\/problem\+json/);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === path),
      `${JSON.stringify(body).slice(0, 80)}: expected ${path}, got ${JSON.stringify(res.body.errors)}`,
    );
  }
  const wrongType = await postJson(`${s.url}/get-online-features`, 'x', { 'content-type': 'application/xml' });
  assert.equal(wrongType.status, 415);
});

test('a backfill of an old window never regresses online values', async () => {
  // Driver 1's latest row is 2026-11-29T10:00 (rate 0.5); re-materialize the window holding its older row.
  // Version 1 explicitly: the test before this one applied other versions.
  const backfill = await s.materialize('drv', { start: '2026-11-28T00:00:00Z', end: '2026-11-28T23:00:00Z', version: 1 });
  assert.equal(backfill.status, 'succeeded', backfill.error);
  assert.equal(backfill.rowsOut, 1);
  const res = await online({ features: ['drv@1:rate'], entities: { driver_id: [1] } });
  assert.deepEqual(res.body.results[1].values, [0.5]);
  assert.deepEqual(res.body.results[1].event_timestamps, ['2026-11-29T10:00:00Z']);
  // A newer row does replace it.
  fs.appendFileSync(s.file('stats.csv'), '1,2026-11-29T11:30:00Z,0.7,3,true,a\n');
  await s.materialize('drv', { start: '2026-11-29T11:00:00Z', end: '2026-11-29T12:00:00Z', version: 1 });
  const newer = await online({ features: ['drv@1:rate'], entities: { driver_id: [1] } });
  assert.deepEqual(newer.body.results[1].values, [0.7]);
});
