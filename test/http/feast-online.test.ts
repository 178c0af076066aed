import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';

// Request bodies exactly as Feast's clients, servers, tests and docs send them (feast-dev/feast at
// f0bc070, after 0.66.0); each test names the file it comes from. The data is Feast's quickstart
// shape (driver_hourly_stats: conv_rate, acc_rate, avg_daily_trips), written here by hand.
// The test clock is 2026-11-29T12:00:00Z.
const CSV = `driver_id,event_timestamp,conv_rate,acc_rate,avg_daily_trips
1001,2026-11-29T10:00:00Z,0.5,1,308
1002,2026-11-29T11:00:00.250Z,1,0.25,332
1003,2026-11-29T09:00:00Z,0.125,0.75,779
`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'driver_stats', type: 'csv', path: 'driver_stats.csv', timestampField: 'event_timestamp' }],
  featureViews: [
    {
      name: 'driver_hourly_stats',
      entities: ['driver'],
      source: 'driver_stats',
      ttl: '2d',
      features: [
        { name: 'conv_rate', type: 'float64' },
        { name: 'acc_rate', type: 'float64' },
        { name: 'avg_daily_trips', type: 'int64' },
      ],
    },
  ],
  featureServices: [{ name: 'driver_activity', features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'] }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'driver_stats.csv': CSV }, bundle);
  await s.materialize('driver_hourly_stats');
});
after(() => s.close());

/** Posts `body` as text with exactly `headers` (none: no Content-Type at all) and returns the raw answer too. */
async function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers, body: new TextEncoder().encode(JSON.stringify(body)) });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, body: json, type: res.headers.get('content-type') ?? '' };
}

const EPOCH = '1970-01-01T00:00:00Z';

test('remote online store body (sdk/python/feast/infra/online_stores/remote.py, get_online_features): include_feature_view_version_metadata is accepted', async () => {
  // req_body = {"entities": ..., "full_feature_names": ..., "include_feature_view_version_metadata": ..., "features": [...]}
  const res = await post('/get-online-features', {
    entities: { driver_id: [1001, 1002] },
    full_feature_names: false,
    include_feature_view_version_metadata: false,
    features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'],
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    metadata: { feature_names: ['driver_id', 'conv_rate', 'avg_daily_trips'] },
    results: [
      { values: [1001, 1002], statuses: ['PRESENT', 'PRESENT'], event_timestamps: [EPOCH, EPOCH] },
      { values: [0.5, 1], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00.250Z'] },
      { values: [308, 332], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00.250Z'] },
    ],
  });
  // Feast writes float64 1.0 as `1.0` (its client types a bare `1` INT64), int64 308 as `308`.
  assert.match(res.text, /"values":\[0\.5,1\.0\]/);
  assert.match(res.text, /"values":\[308,332\]/);
});

test('include_feature_view_version_metadata: true lists each view and its version (protos/feast/serving/ServingService.proto, FeatureViewMetadata)', async () => {
  const res = await post('/get-online-features', {
    entities: { driver_id: [1003] },
    full_feature_names: true,
    include_feature_view_version_metadata: true,
    features: ['driver_hourly_stats:acc_rate'],
  });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.metadata, { feature_names: ['driver_id', 'driver_hourly_stats__acc_rate'], feature_view_metadata: [{ name: 'driver_hourly_stats', version: 1 }] });
  assert.deepEqual(res.body.results[1].values, [0.75]);
});

test('remote online store online_read body (remote.py, _construct_online_read_api_json_request): features and entities only', async () => {
  const res = await post('/get-online-features', { features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate'], entities: { driver_id: [1001, 9999] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.results[2], { values: [1, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: ['2026-11-29T10:00:00Z', EPOCH] });
  assert.match(res.text, /"values":\[1\.0,null\]/);
});

test('Go server body with request_context (go/internal/feast/server/http_server.go, getOnlineFeaturesRequest)', async () => {
  const res = await post('/get-online-features', {
    features: ['driver_hourly_stats:conv_rate'],
    entities: { driver_id: [1001] },
    full_feature_names: false,
    request_context: { val_to_add: [1000] },
  });
  assert.equal(res.status, 200, res.text);
  // Request data is not an entity column: it is not echoed.
  assert.deepEqual(res.body.metadata.feature_names, ['driver_id', 'conv_rate']);
});

test('docs/reference/feature-servers/python-feature-server.md: curl -d (a form content type) and requests.post(data=json.dumps(...)) (no content type)', async () => {
  const body = { features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'], entities: { driver_id: [1001, 1002, 1003] } };
  const curl = await post('/get-online-features', body, { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(curl.status, 200, curl.text);
  const requests = await post('/get-online-features', body, {});
  assert.equal(requests.status, 200, requests.text);
  assert.equal(requests.text, curl.text);
  assert.deepEqual(curl.body.metadata.feature_names, ['driver_id', 'conv_rate', 'acc_rate', 'avg_daily_trips']);
  assert.deepEqual(curl.body.results[3].values, [308, 332, 779]);
  // The docs' feature-service form: {"feature_service": <name>, "entities": ...}; Feast's Python client also sends its `features: []` default beside it.
  const service = await post('/get-online-features', { feature_service: 'driver_activity', features: [], entities: { driver_id: [1001, 1002, 1003] } }, {});
  assert.equal(service.status, 200, service.text);
  assert.deepEqual(service.body.metadata.feature_names, ['driver_id', 'conv_rate', 'avg_daily_trips']);
  // Still not XML.
  const xml = await post('/get-online-features', body, { 'content-type': 'application/xml' });
  assert.equal(xml.status, 415);
});

test("versions as Feast writes them (docs/adr/rfc-feature-view-versioning.md): @v1, @latest and Tessera's @1 agree", async () => {
  const answers = await Promise.all(
    ['driver_hourly_stats@v1:conv_rate', 'driver_hourly_stats@latest:conv_rate', 'driver_hourly_stats@1:conv_rate', 'driver_hourly_stats:conv_rate'].map((ref) =>
      post('/get-online-features', { features: [ref], entities: { driver_id: [1002] } }),
    ),
  );
  for (const a of answers) {
    assert.equal(a.status, 200, a.text);
    assert.deepEqual(a.body.results[1].values, [1]);
  }
  const none = await post('/get-online-features', { features: ['driver_hourly_stats@v7:conv_rate'], entities: { driver_id: [1002] } });
  assert.equal(none.status, 404);
  assert.equal(none.body.errors[0].path, 'features[0]');
});

test("an entity's name in place of its join key, as Feast maps it; other entity columns are dropped (sdk/python/feast/utils.py, _get_entity_maps)", async () => {
  const res = await post('/get-online-features', { features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver: [1003, 1001], label: ['a', 'b'] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, {
    metadata: { feature_names: ['driver_id', 'avg_daily_trips'] },
    results: [
      { values: [1003, 1001], statuses: ['PRESENT', 'PRESENT'], event_timestamps: [EPOCH, EPOCH] },
      { values: [779, 308], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['2026-11-29T09:00:00Z', '2026-11-29T10:00:00Z'] },
    ],
  });
  // One row, the hot path's own answer: the same rules.
  const one = await post('/get-online-features', { features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver: [1003], label: ['a'] } });
  assert.deepEqual(one.body.metadata.feature_names, ['driver_id', 'avg_daily_trips']);
  const kept = await post('/get-online-features', { features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver_id: [1003], label: ['a'] }, tessera_keep_entity_columns: true });
  assert.deepEqual(kept.body.metadata.feature_names, ['driver_id', 'label', 'avg_daily_trips']);
  assert.deepEqual(kept.body.results[1].values, ['a']);
});

test('10,000 entity rows in one request (Feast has no per-request row limit)', async () => {
  const ids = Array.from({ length: 10_000 }, (_, i) => 1001 + (i % 4));
  const res = await post('/get-online-features', { features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver_id: ids } });
  assert.equal(res.status, 200, res.text.slice(0, 200));
  const expected = { 1001: 308, 1002: 332, 1003: 779, 1004: null } as Record<number, number | null>;
  assert.deepEqual(
    res.body.results[1].values,
    ids.map((id) => expected[id]),
  );
});

test('fields neither Feast server defines still get a 400 naming them; wrong types too', async () => {
  const cases: [unknown, string][] = [
    [{ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] }, feature: ['x'] }, 'feature'],
    [{ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] }, include_feature_view_version_metadata: 'yes' }, 'include_feature_view_version_metadata'],
    [{ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] }, request_context: [1] }, 'request_context'],
    [{ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] }, request_context: { a: 1 } }, 'request_context.a'],
    [{ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] }, tessera_keep_entity_columns: 1 }, 'tessera_keep_entity_columns'],
  ];
  for (const [body, path] of cases) {
    const res = await post('/get-online-features', body);
    assert.equal(res.status, 400, res.text);
    assert.match(res.type, /problem\+json/);
    assert.equal(res.body.errors[0].path, path);
  }
});

test("problem documents carry Feast's error detail as extension members (sdk/python/feast/errors.py, FeastError.to_error_detail)", async () => {
  const view = await post('/get-online-features', { features: ['ghost_view:conv_rate'], entities: { driver_id: [1001] } });
  assert.equal(view.status, 404);
  assert.equal(view.body.type, '/problems/not_found');
  assert.equal(view.body.module, 'feast.errors');
  assert.equal(view.body.class, 'FeatureViewNotFoundException');
  assert.equal(view.body.message, view.body.detail);
  const service = await post('/get-online-features', { feature_service: 'ghost', entities: { driver_id: [1001] } });
  assert.equal(service.body.class, 'FeatureServiceNotFoundException');
  const push = await post('/push', { push_source_name: 'ghost', df: { driver_id: [1] } });
  assert.equal(push.status, 422);
  assert.equal(push.body.class, 'PushSourceNotFoundException');
  // sdk/python/tests/unit/test_feature_server.py, test_push_source_does_not_exist: Feast's body, and the
  // message it matches (`pytest.raises(PushSourceNotFoundException, match=...)`), from feast/errors.py.
  const feast = await post('/push', { push_source_name: 'push_source_does_not_exist', df: { any_data: [1], event_timestamp: ['2026-11-29 11:59:59.123456+00:00'] } });
  assert.equal(feast.status, 422, feast.text);
  assert.equal(feast.body.message, "Unable to find push source 'push_source_does_not_exist'.");
  const bad = await post('/get-online-features', { features: 'x', entities: { driver_id: [1001] } });
  assert.deepEqual([bad.body.module, bad.body.class], ['builtins', 'ValueError']);
});
