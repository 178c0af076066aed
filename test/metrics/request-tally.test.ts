import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { BUCKETS } from '../../server/metrics/http-metrics.js';
import { Metrics } from '../../server/metrics/metrics.js';
import { sample } from '../support/prometheus-text.js';

/** Requests as [method, route, status, seconds]: inside buckets, on a bound, above the last bound. */
const REQUESTS: [string, string, number, number][] = [
  ['POST', '/get-online-features', 200, 0.0003],
  ['POST', '/get-online-features', 200, 0.001],
  ['GET', '/api/v1/runs/:id', 404, 0.02],
  ['POST', '/get-online-features', 413, 0.0004],
  ['POST', '/get-online-features', 200, 3],
  ['GET', '/api/v1/runs/:id', 200, 500],
];

/** The lines of the two HTTP metrics in an exposition text. */
const httpLines = (text: string) => text.split('\n').filter((l) => l.includes('tessera_http_request'));

test('the tally publishes the text prom-client gives for the same requests recorded through its labelled children', async () => {
  const metrics = new Metrics();
  for (const [method, route, status, seconds] of REQUESTS) metrics.http.route(method, route).observe(status, seconds);
  const got = httpLines((await metrics.scrape()).text);

  // The second implementation: prom-client's own counter and histogram, fed request by request.
  const registry = new Registry();
  const labelNames = ['method', 'route', 'status'] as const;
  const count = new Counter({ name: 'tessera_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames, registers: [registry] });
  const seconds = new Histogram({ name: 'tessera_http_request_duration_seconds', help: 'HTTP request latency, by method, route and status', labelNames, buckets: BUCKETS, registers: [registry] });
  for (const [method, route, status, s] of REQUESTS) {
    count.labels({ method, route, status: String(status) }).inc();
    seconds.labels({ method, route, status: String(status) }).observe(s);
  }
  const want = httpLines(await registry.metrics());
  assert.ok(want.length > 40);
  assert.deepEqual(got, want);
});

test('counts, cumulative buckets and sums, by hand', async () => {
  const metrics = new Metrics();
  for (const [method, route, status, seconds] of REQUESTS) metrics.http.route(method, route).observe(status, seconds);
  const text = (await metrics.scrape()).text;
  const online = { method: 'POST', route: '/get-online-features', status: '200' };
  const bucket = (le: string) => sample(text, 'tessera_http_request_duration_seconds_bucket', { ...online, le });
  assert.equal(sample(text, 'tessera_http_requests_total', online), 3);
  assert.equal(bucket('0.0005'), 1);
  assert.equal(bucket('0.001'), 2, 'a value on a bound counts in that bucket');
  assert.equal(bucket('2.5'), 2);
  assert.equal(bucket('5'), 3);
  assert.equal(bucket('+Inf'), 3);
  assert.equal(sample(text, 'tessera_http_request_duration_seconds_sum', online), 3.0013);
  const slow = { method: 'GET', route: '/api/v1/runs/:id', status: '200' };
  assert.equal(sample(text, 'tessera_http_request_duration_seconds_bucket', { ...slow, le: '120' }), 0, 'above the last bound: only +Inf');
  assert.equal(sample(text, 'tessera_http_request_duration_seconds_bucket', { ...slow, le: '+Inf' }), 1);
  assert.equal(sample(text, 'tessera_http_requests_total', { method: 'POST', route: '/get-online-features', status: '413' }), 1);
});

test('a second scrape publishes the same totals, then what came after', async () => {
  const metrics = new Metrics();
  const online = metrics.http.route('POST', '/get-online-features');
  online.observe(200, 0.0002);
  const labels = { method: 'POST', route: '/get-online-features', status: '200' };
  assert.equal(sample((await metrics.scrape()).text, 'tessera_http_requests_total', labels), 1);
  assert.equal(sample((await metrics.scrape()).text, 'tessera_http_requests_total', labels), 1);
  metrics.http.record('POST', '/get-online-features', 200, process.hrtime.bigint());
  const text = (await metrics.scrape()).text;
  assert.equal(sample(text, 'tessera_http_requests_total', labels), 2);
  assert.equal(sample(text, 'tessera_http_request_duration_seconds_count', labels), 2);
});
