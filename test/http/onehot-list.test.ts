import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { openFeatureStore } from '../../server/sdk/embedded.js';
import { getHistoricalFeatures } from '../../server/sdk/historical.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { duckRows } from '../support/duckdb.js';
import { getJson, postJson } from '../support/services.js';
import { ARROW, arrowRows, csvRows, get, postJsonTo } from './historical-client.js';

// The test clock is 2026-11-29T12:00:00Z; the view's ttl is one day. car_type counts in the fit rows
// (every row of the first run): b 3, c 2, a 1, so the fitted category order (most frequent first) is
// [b, c, a]: not alphabetical, which shows the list follows the fitted order.
// `color` is never set: its one-hot encoding fits no category, so its list is empty.
const CSV = `driver_id,ts,car_type,rate,color
1,2026-11-28T01:00:00Z,b,0.5,
1,2026-11-29T10:00:00Z,a,1.0,
2,2026-11-28T01:00:00Z,b,,
2,2026-11-29T10:00:00Z,c,,
3,2026-11-28T01:00:00Z,c,,
3,2026-11-29T10:00:00Z,,,
4,2026-11-20T00:00:00Z,b,,
`;

const view = (answer?: 'list' | 'columns') => ({
  name: 'drv',
  entities: ['driver'],
  source: 'stats',
  ttl: '1d',
  features: [
    { name: 'car_type', type: 'string' as const, transforms: [{ encode: { method: 'onehot' as const, ...(answer ? { answer } : {}) } }] },
    { name: 'rate', type: 'float64' as const },
  ],
});

const bundle = (answer?: 'list' | 'columns'): BundleInput => ({
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [view(answer), { name: 'paint', entities: ['driver'], source: 'stats', features: [{ name: 'color', type: 'string', transforms: [{ encode: { method: 'onehot', answer: 'list' } }] }] }],
  featureServices: [
    { name: 'model', features: ['drv:car_type', 'drv:rate'] },
    { name: 'logged', features: ['drv:car_type', 'drv:rate'], logging: {} },
  ],
});

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle('list'), { featureLogFlushMs: 60_000 });
  await s.materialize('drv');
  await s.materialize('paint');
});
after(() => s.close());

const EPOCH = '1970-01-01T00:00:00Z';
const AT_29_10 = '2026-11-29T10:00:00Z';

test('the fitted categories, in the order the list follows, are in the version detail', async () => {
  const res = await getJson(`${s.url}/api/v1/feature-views/drv/versions/1`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.fittedState.features.car_type[0].categories, ['b', 'c', 'a']);
  assert.deepEqual(
    res.body.outputSchema.filter((c: { feature: string }) => c.feature === 'car_type').map((c: { name: string }) => c.name),
    ['car_type__b', 'car_type__c', 'car_type__a'],
  );
});

test('Feast route: a feature service answers car_type as one list column, with the usual statuses', async () => {
  const res = await postJson(`${s.url}/get-online-features`, { feature_service: 'model', entities: { driver_id: [1, 2, 3, 4, 5] } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.metadata.feature_names, ['driver_id', 'car_type', 'rate']);
  // By hand: latest rows 1 -> a, 2 -> c, 3 -> null (all zeros), 4 -> b but older than the ttl, 5 -> none.
  assert.deepEqual(res.body.results[1], {
    values: [[0, 0, 1], [0, 1, 0], [0, 0, 0], [1, 0, 0], null],
    statuses: ['PRESENT', 'PRESENT', 'PRESENT', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'],
    event_timestamps: [AT_29_10, AT_29_10, AT_29_10, '2026-11-20T00:00:00Z', EPOCH],
  });
  assert.deepEqual(res.body.results[2].values, [1, null, null, null, null]);
});

test('Feast wire form: a list value is a plain JSON array inside values (as the proto_json of Feast writes Int64List)', async () => {
  // feast-dev/feast sdk/python/feast/proto_json.py: a Value holding *_list_val is written as list(val);
  // sdk/python/tests/unit/test_proto_json.py parses `[1, 2, 3]` in `values` back as int64_list_val.
  const res = await fetch(`${s.url}/get-online-features`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features: ['drv:car_type', 'drv:rate'], entities: { driver_id: [1] } }),
  });
  const text = await res.text();
  assert.ok(text.includes('{"values":[[0,0,1]],"statuses":["PRESENT"]'), text);
  assert.ok(text.includes('{"values":[1.0],'), text);
});

test('one row, full feature names, and view:* give the list too', async () => {
  const one = await postJson(`${s.url}/get-online-features`, { features: ['drv:car_type'], entities: { driver_id: [2] }, full_feature_names: true });
  assert.deepEqual(one.body.metadata.feature_names, ['driver_id', 'drv__car_type']);
  assert.deepEqual(one.body.results[1], { values: [[0, 1, 0]], statuses: ['PRESENT'], event_timestamps: [AT_29_10] });
  const star = await postJson(`${s.url}/get-online-features`, { features: ['drv:*'], entities: { driver_id: [5, 3] } });
  assert.deepEqual(star.body.metadata.feature_names, ['driver_id', 'car_type', 'rate']);
  assert.deepEqual(star.body.results[1].values, [null, [0, 0, 0]]);
  assert.deepEqual(star.body.results[1].statuses, ['NOT_FOUND', 'PRESENT']);
});

test('a single category column of a list-answered feature is refused, naming the reference', async () => {
  const res = await postJson(`${s.url}/get-online-features`, { features: ['drv:rate', 'drv:car_type__b'], entities: { driver_id: [1] } });
  assert.equal(res.status, 400);
  assert.equal(res.body.errors[0].path, 'features[1]');
  assert.match(res.body.errors[0].message, /answers as one list column/);
});

test('historical retrieval: one list column assembled by DuckDB, null where no row is in reach', async () => {
  const entities = {
    driver_id: [1, 1, 3, 2, 4],
    event_timestamp: ['2026-11-29T00:00:00Z', '2026-11-29T11:00:00Z', '2026-11-29T11:00:00Z', '2026-11-28T00:00:00Z', '2026-11-29T11:00:00Z'],
  };
  // By hand: 1 at 29T00 -> the 28T01 row (b); 1 at 29T11 -> a; 3 -> null category (zeros); 2 at 28T00 ->
  // nothing yet; 4 -> its only row is 9 days old, beyond the ttl.
  const expected = [[1, 0, 0], [0, 0, 1], [0, 0, 0], null, null];
  const json = await postJsonTo(`${s.url}/get-historical-features`, { feature_service: 'model', entities });
  assert.equal(json.status, 200, Buffer.from(json.bytes).toString());
  const body = json.json();
  assert.deepEqual(Object.keys(body), ['driver_id', 'event_timestamp', 'car_type', 'rate']);
  assert.deepEqual(body.car_type, expected);
  assert.deepEqual(body.rate, [0.5, 1, null, null, null]);
  const table = await postJsonTo(`${s.url}/get-historical-features`, { features: ['drv:car_type'], entities, full_feature_names: true }, ARROW);
  assert.equal(table.status, 200);
  const { columns, rows } = arrowRows(table.bytes);
  assert.deepEqual(columns, ['driver_id', 'event_timestamp', 'drv__car_type']);
  assert.deepEqual(
    rows.map((r) => (r.drv__car_type === null ? null : [...(r.drv__car_type as Iterable<bigint>)].map(Number))),
    expected,
  );
});

test('switching the answer shape is metadata: no new version, and answers change at once', async () => {
  const plan = await postJson(`${s.url}/api/v1/apply?dry_run=true`, bundle('columns'));
  assert.equal(plan.status, 200, JSON.stringify(plan.body));
  assert.deepEqual(plan.body.newVersions, []);
  try {
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle())).status, 200);
    const res = await postJson(`${s.url}/get-online-features`, { features: ['drv:car_type'], entities: { driver_id: [1] } });
    assert.deepEqual(res.body.metadata.feature_names, ['driver_id', 'car_type__b', 'car_type__c', 'car_type__a']);
    assert.deepEqual(
      res.body.results.slice(1).map((r: { values: unknown[] }) => r.values[0]),
      [0, 0, 1],
    );
  } finally {
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle('list'))).status, 200);
  }
});

test('SDK: historical (in process) gives an Arrow list column; the embedded online read gives the list', async () => {
  const table = await getHistoricalFeatures(s.services.historical, { features: ['drv:car_type'], entities: { driver_id: [2, 3], event_timestamp: ['2026-11-29T11:00:00Z', '2026-11-29T11:00:00Z'] } });
  assert.deepEqual(
    table.schema.fields.map((f) => f.name),
    ['driver_id', 'event_timestamp', 'car_type'],
  );
  const values = table.getChild('car_type')!.toArray() as ({ toArray(): BigInt64Array } | null)[];
  assert.deepEqual(
    values.map((v) => (v === null ? null : [...v.toArray()].map(Number))),
    [
      [0, 1, 0],
      [0, 0, 0],
    ],
  );
  const store = await openFeatureStore({ dataDir: s.dataDir, clock: s.services.clock });
  try {
    const online = store.getOnlineFeaturesSync({ features: ['drv:car_type'], entities: { driver_id: [1, 4] } });
    assert.deepEqual(online.metadata.feature_names, ['driver_id', 'car_type']);
    assert.deepEqual(online.results[1].values, [
      [0, 0, 1],
      [1, 0, 0],
    ]);
    assert.deepEqual(online.results[1].statuses, ['PRESENT', 'OUTSIDE_MAX_AGE']);
  } finally {
    await store.close();
  }
});

test('/transform answers the list too, through the frozen fitted categories', async () => {
  const res = await postJson(`${s.url}/api/v1/feature-views/drv/transform`, {
    rows: [
      { driver_id: 1, car_type: 'a', rate: 2 },
      { driver_id: 2, car_type: null },
      { driver_id: 3, car_type: 'unseen' },
      { driver_id: 4, car_type: 'b' },
    ],
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.columns, ['car_type', 'rate']);
  // unknown: zeros (the default): null and an unseen category both give all zeros.
  assert.deepEqual(
    res.body.rows.map((r: { car_type: unknown }) => r.car_type),
    [
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
      [1, 0, 0],
    ],
  );
});

test('a bad answer option is a 400 naming the field, and changes nothing', async () => {
  const bad = bundle('list');
  bad.featureViews![0].features[0].transforms = [{ encode: { method: 'onehot', answer: 'lists' as 'list' } }];
  const res = await postJson(`${s.url}/api/v1/apply`, bad);
  assert.equal(res.status, 400);
  assert.ok(
    res.body.errors.some((e: { path: string }) => /features\[0\]\.transforms\[0\]\.encode\.answer$/.test(e.path)),
    JSON.stringify(res.body.errors),
  );
  const ordinal = bundle('list');
  ordinal.featureViews![0].features[0].transforms = [{ encode: { method: 'ordinal', answer: 'list' } as never }];
  const refused = await postJson(`${s.url}/api/v1/apply`, ordinal);
  assert.equal(refused.status, 400);
  const still = await postJson(`${s.url}/get-online-features`, { features: ['drv:car_type'], entities: { driver_id: [1] } });
  assert.deepEqual(still.body.results[1].values, [[0, 0, 1]]);
});

test('a list-answered feature with no fitted category answers an empty list where a row exists', async () => {
  const online = await postJson(`${s.url}/get-online-features`, { features: ['paint:color', 'drv:car_type'], entities: { driver_id: [1, 5] } });
  assert.equal(online.status, 200, JSON.stringify(online.body));
  assert.deepEqual(online.body.metadata.feature_names, ['driver_id', 'color', 'car_type']);
  assert.deepEqual(online.body.results[1], { values: [[], null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [AT_29_10, EPOCH] });
  assert.deepEqual(online.body.results[2].values, [[0, 0, 1], null]);
  const historical = await postJsonTo(`${s.url}/get-historical-features`, {
    features: ['paint:color', 'drv:car_type'],
    entities: { driver_id: [1, 1], event_timestamp: ['2026-11-29T11:00:00Z', '2026-11-27T00:00:00Z'] },
  });
  assert.equal(historical.status, 200, Buffer.from(historical.bytes).toString());
  assert.deepEqual(historical.json().color, [[], null]);
  assert.deepEqual(historical.json().car_type, [[0, 0, 1], null]);
});

test('a saved dataset keeps the list column: its rows, its CSV export, and a rebuild that matches', async () => {
  const api = `${s.url}/api/v1/training-datasets`;
  const entities = { driver_id: [1, 3, 2], event_timestamp: ['2026-11-29T11:00:00Z', '2026-11-29T11:00:00Z', '2026-11-28T00:00:00Z'] };
  const created = await postJsonTo(api, { name: 'cars_v1', feature_service: 'model', entities });
  assert.equal(created.status, 201, Buffer.from(created.bytes).toString());
  const saved = created.json();
  assert.deepEqual(
    saved.featureViews[0].columns.find((c: { outputName: string }) => c.outputName === 'car_type'),
    { column: 'car_type', outputName: 'car_type', type: 'int64', parts: ['car_type__b', 'car_type__c', 'car_type__a'] },
  );
  assert.deepEqual((await get(`${api}/cars_v1/data`)).json().car_type, [[0, 0, 1], [0, 0, 0], null]);
  // DuckDB writes a list in CSV as `[0, 0, 1]`.
  const csv = csvRows((await get(`${api}/cars_v1/data`, 'text/csv')).bytes);
  assert.deepEqual(csv.columns, ['driver_id', 'event_timestamp', 'car_type', 'rate']);
  assert.deepEqual(
    csv.rows.map((r) => r[2]),
    ['[0, 0, 1]', '[0, 0, 0]', ''],
  );
  const rebuilt = await postJson(`${api}/cars_v1/rebuild`, {});
  assert.equal(rebuilt.status, 200, JSON.stringify(rebuilt.body));
  assert.equal(rebuilt.body.matches, true);
});

test('a logged service answers the list and logs the category columns it read, one log column each', async () => {
  const res = await postJson(`${s.url}/get-online-features`, { feature_service: 'logged', entities: { driver_id: [1, 2, 5] } });
  assert.deepEqual(res.body.metadata.feature_names, ['driver_id', 'car_type', 'rate']);
  assert.deepEqual(res.body.results[1].values, [[0, 0, 1], [0, 1, 0], null]);
  const one = await postJson(`${s.url}/get-online-features`, { feature_service: 'logged', entities: { driver_id: [3] } });
  assert.deepEqual(one.body.results[1].values, [[0, 0, 0]]);
  await s.services.featureLog.flush();
  const root = s.services.files.locate('offline/logs/feature_services');
  const rows = await duckRows(
    `SELECT driver_id, drv__car_type__b AS b, drv__car_type__c AS c, drv__car_type__a AS a, drv__car_type__a__status AS status, drv__rate AS rate FROM read_parquet('${root}/*/*/*.parquet') ORDER BY driver_id`,
  );
  assert.deepEqual(
    rows.map((r) => [Number(r.driver_id), r.b === null ? null : Number(r.b), r.c === null ? null : Number(r.c), r.a === null ? null : Number(r.a), r.status, r.rate]),
    [
      [1, 0, 0, 1, 'PRESENT', 1],
      [2, 0, 1, 0, 'PRESENT', null],
      [3, 0, 0, 0, 'PRESENT', null],
      [5, null, null, null, 'NOT_FOUND', null],
    ],
  );
});
