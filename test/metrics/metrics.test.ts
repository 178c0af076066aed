import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { Metrics } from '../../server/metrics/metrics.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { sample } from '../support/prometheus-text.js';
import { postJson } from '../support/services.js';

// The test clock is 2026-11-29T12:00:00Z; the view's ttl is one day.
const CSV = `driver_id,ts,rate,trips
1,2026-11-29T10:00:00Z,0.5,3
2,2026-11-29T11:00:00Z,,4
3,2026-11-27T00:00:00Z,0.9,5
1,2026-11-28T10:00:00Z,0.1,1
`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'drv',
      entities: ['driver'],
      source: 'stats',
      ttl: '1d',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64' },
      ],
    },
  ],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
let text = '';
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle);
  await s.materialize('drv');
  // Four rows: 1 is fresh (2 PRESENT), 2 has a null rate (NULL_VALUE, PRESENT), 3 is older than the
  // ttl (2 OUTSIDE_MAX_AGE), 4 is unknown (2 NOT_FOUND). Then one row of driver 1: 2 PRESENT more.
  const features = ['drv:rate', 'drv:trips'];
  assert.equal((await postJson(`${s.url}/get-online-features`, { features, entities: { driver_id: [1, 2, 3, 4] } })).status, 200);
  assert.equal((await postJson(`${s.url}/get-online-features`, { features, entities: { driver_id: [1] } })).status, 200);
  assert.equal((await postJson(`${s.url}/get-online-features`, { features: ['nope:x'], entities: { driver_id: [1] } })).status, 404);
  // Bad keys are the caller's 400s, not online-store errors: a key of the wrong type, a missing key column.
  assert.equal((await postJson(`${s.url}/get-online-features`, { features, entities: { driver_id: ['abc'] } })).status, 400);
  assert.equal((await postJson(`${s.url}/get-online-features`, { features, entities: { rider_id: [1] } })).status, 400);
  assert.equal((await fetch(`${s.url}/api/v1/runs/1`)).status, 200);
  assert.equal((await fetch(`${s.url}/api/v1/runs/99`)).status, 404);
  assert.equal((await fetch(`${s.url}/no/such/path/123`)).status, 404);
  const res = await fetch(`${s.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  text = await res.text();
});
after(() => s.close());

test('online rows and statuses served, counted by hand', () => {
  assert.equal(sample(text, 'tessera_online_requests_total'), 2);
  assert.equal(sample(text, 'tessera_online_rows_total'), 5);
  assert.equal(sample(text, 'tessera_online_feature_statuses_total', { status: 'PRESENT' }), 5);
  assert.equal(sample(text, 'tessera_online_feature_statuses_total', { status: 'NULL_VALUE' }), 1);
  assert.equal(sample(text, 'tessera_online_feature_statuses_total', { status: 'OUTSIDE_MAX_AGE' }), 2);
  assert.equal(sample(text, 'tessera_online_feature_statuses_total', { status: 'NOT_FOUND' }), 2);
});

test('bad keys are not counted as online-store errors', () => {
  assert.equal(sample(text, 'tessera_http_requests_total', { method: 'POST', route: '/get-online-features', status: '400' }), 2);
  assert.equal(sample(text, 'tessera_store_errors_total', { store: 'online', operation: 'read' }), null);
});

test('requests per route template and status, never the URL', () => {
  const count = (method: string, route: string, status: string) => sample(text, 'tessera_http_requests_total', { method, route, status });
  assert.equal(count('POST', '/get-online-features', '200'), 2);
  assert.equal(count('POST', '/get-online-features', '404'), 1);
  assert.equal(count('GET', '/api/v1/runs/:id', '200'), 1);
  assert.equal(count('GET', '/api/v1/runs/:id', '404'), 1);
  assert.equal(count('GET', '(unmatched)', '404'), 1);
  assert.equal(sample(text, 'tessera_http_request_duration_seconds_count', { method: 'POST', route: '/get-online-features', status: '200' }), 2);
  assert.ok(!text.includes('/api/v1/runs/99') && !text.includes('/no/such/path'), 'no raw URL in a label');
});

test('a finished run: rows per stage and its duration', () => {
  assert.equal(sample(text, 'tessera_run_rows_total', { feature_view: 'drv', stage: 'in' }), 4);
  assert.equal(sample(text, 'tessera_run_rows_total', { feature_view: 'drv', stage: 'out' }), 4);
  assert.equal(sample(text, 'tessera_run_rows_total', { feature_view: 'drv', stage: 'rejected' }), 0);
  assert.equal(sample(text, 'tessera_run_duration_seconds_count', { feature_view: 'drv', status: 'succeeded' }), 1);
});

test('each Metrics has its own registry; others register theirs', async () => {
  const a = new Metrics();
  const b = new Metrics();
  a.counter({ name: 'tessera_test_total', help: 'a test counter' }).inc(3);
  const gauge = b.gauge({ name: 'tessera_test_depth', help: 'a test gauge', labelNames: ['queue'] });
  b.onCollect(() => gauge.set({ queue: 'q' }, 7));
  assert.equal(sample((await a.scrape()).text, 'tessera_test_total'), 3);
  assert.equal(sample((await b.scrape()).text, 'tessera_test_total'), null);
  assert.equal(sample((await b.scrape()).text, 'tessera_test_depth', { queue: 'q' }), 7);
});
