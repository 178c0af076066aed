import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { API_ROUTES } from '../../server/http/openapi/api-routes.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson, testServer } from '../support/services.js';

// Routes without a query schema (the catalog, /health, /api/v1/schema, freshness, the dataset list,
// keys...) answered 200 to any query parameter, so `?limt=5` silently answered the default, while
// routes with a strict schema refused it. Now every Tessera route refuses one it does not declare;
// Feast's endpoints ignore them, as Feast's FastAPI server does.

const CSV = `driver_id,ts,rate
1,2026-11-29T10:00:00Z,0.5
`;
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [
    { name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' },
    { name: 'live', type: 'push', batchSource: 'stats' },
  ],
  featureViews: [{ name: 'drv', entities: ['driver'], source: 'live', features: [{ name: 'rate', type: 'float64' }] }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle);
  await s.materialize('drv');
});
after(() => s.close());

const FEAST = new Set(['/health', '/get-online-features', '/push', '/write-to-online-store']);
const UNKNOWN = [{ path: '(query) colour', message: "unknown field 'colour'" }];

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text.startsWith('{') ? JSON.parse(text) : text };
}

test('every Tessera route refuses an unknown query parameter with a 400 naming it', async () => {
  const tessera = API_ROUTES.filter((r) => !FEAST.has(r.path));
  // The Feast routes are exactly the ones that opt out: a new route cannot skip the check by accident.
  assert.deepEqual(
    API_ROUTES.filter((r) => r.feastIgnoresQuery)
      .map((r) => r.path)
      .sort(),
    [...FEAST].sort(),
  );
  for (const route of tessera) {
    const path = `${route.path.replace(/:[^/]+/g, 'x')}?colour=red`;
    const res = await call(route.method.toUpperCase(), path);
    const label = `${route.method} ${path}`;
    assert.equal(res.status, 400, `${label}: ${JSON.stringify(res.body)}`);
    assert.match(res.type, /^application\/problem\+json/, label);
    assert.deepEqual(res.body.errors, UNKNOWN, label);
  }
});

test('a typo beside a known parameter is named alone; the known one still works without it', async () => {
  // The dataset list reads no query: it answered its whole list to `?limt=5`.
  const typo = await getJson(`${s.url}/api/v1/training-datasets?limt=5`);
  assert.equal(typo.status, 400);
  assert.deepEqual(typo.body.errors, [{ path: '(query) limt', message: "unknown field 'limt'" }]);
  const both = await getJson(`${s.url}/api/v1/runs?limit=1&colour=red`);
  assert.deepEqual(both.body.errors, UNKNOWN);
  const runs = await getJson(`${s.url}/api/v1/runs?limit=1`);
  assert.equal(runs.status, 200);
  assert.equal(runs.body.runs.length, 1);
  // A route that declares no query still answers without one.
  const views = await getJson(`${s.url}/api/v1/feature-views`);
  assert.equal(views.status, 200);
  assert.deepEqual(
    views.body.featureViews.map((v: { name: string }) => v.name),
    ['drv'],
  );
});

test('known parameters of each strict family still work', async () => {
  const dry = await postJson(`${s.url}/api/v1/apply?dry_run=true`, bundle);
  assert.equal(dry.status, 200, JSON.stringify(dry.body));
  for (const path of ['/api/v1/alerts?limit=1', '/api/v1/prediction-logs?model=m&limit=1', '/api/v1/audit?limit=1']) {
    const res = await getJson(`${s.url}${path}`);
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  }
  // A value is still the route's to check, with its own message.
  const bad = await getJson(`${s.url}/api/v1/runs?limit=x`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errors[0].path, '(query) limit');
});

test("Feast's endpoints ignore unknown query parameters, as Feast's server does", async () => {
  const health = await getJson(`${s.url}/health?colour=red`);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');
  const request = { features: ['drv:rate'], entities: { driver_id: [1] } };
  // The node:http fast path, then express (a compressed body goes past the fast path).
  const fast = await postJson(`${s.url}/get-online-features?colour=red`, request);
  assert.equal(fast.status, 200, JSON.stringify(fast.body));
  assert.deepEqual(fast.body.results[1].values, [0.5]);
  const slow = await fetch(`${s.url}/get-online-features?colour=red`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: gzipSync(JSON.stringify(request)),
  });
  assert.equal(slow.status, 200);
  assert.deepEqual(((await slow.json()) as { results: { values: unknown[] }[] }).results[1].values, [0.5]);
  const push = await postJson(`${s.url}/push?colour=red`, { push_source_name: 'live', df: { driver_id: [2], event_timestamp: ['2026-11-29T11:00:00Z'], rate: [0.75] }, to: 'online' });
  assert.equal(push.status, 200, JSON.stringify(push.body));
  const pushed = await postJson(`${s.url}/get-online-features`, { features: ['drv:rate'], entities: { driver_id: [2] } });
  assert.deepEqual(pushed.body.results[1].values, [0.75]);
  const write = await postJson(`${s.url}/write-to-online-store?colour=red`, { feature_view_name: 'drv', df: { driver_id: [3], event_timestamp: ['2026-11-29T11:00:00Z'], rate: [0.25] } });
  assert.equal(write.status, 200, JSON.stringify(write.body));
});

test("Feast's materialize endpoints keep their strict query (documented in docs/deviations.md)", async () => {
  const res = await postJson(`${s.url}/materialize-incremental?colour=red`, { end_ts: '2026-11-29T12:00:00Z', feature_views: ['drv'] });
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.errors, UNKNOWN);
});

test('a worker answers 404 for the routes it does not serve, query or not', async () => {
  const worker = await testServer({ role: 'worker' });
  try {
    const res = await getJson(`${worker.url}/api/v1/runs?colour=red`);
    assert.equal(res.status, 404);
    const health = await getJson(`${worker.url}/health?colour=red`);
    assert.equal(health.status, 200);
  } finally {
    await worker.close();
  }
});
