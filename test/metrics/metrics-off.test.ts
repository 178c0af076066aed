import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../server/config.js';
import { rateBundle } from '../support/bundles.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { sample } from '../support/prometheus-text.js';
import { postJson } from '../support/services.js';

const bundle = rateBundle('drv');

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': 'driver_id,ts,rate\n1,2026-11-29T10:00:00Z,0.5\n' }, bundle, { metrics: false });
  await s.materialize('drv');
});
after(() => s.close());

test('TESSERA_METRICS=false: answers as usual, records nothing on the request path, and serves no /metrics', async () => {
  const res = await postJson(`${s.url}/get-online-features`, { features: ['drv:rate'], entities: { driver_id: [1] } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body.results[1].values, [0.5]);
  assert.equal((await fetch(`${s.url}/metrics`)).status, 404);
  // Not a 405 offering GET for a route this process does not serve.
  const post = await fetch(`${s.url}/metrics`, { method: 'POST' });
  assert.equal(post.status, 404);
  assert.equal(post.headers.get('allow'), null);
  const text = (await s.services.metrics.scrape()).text;
  assert.equal(sample(text, 'tessera_online_requests_total'), 0);
  assert.equal(sample(text, 'tessera_http_requests_total', { method: 'POST', route: '/get-online-features', status: '200' }), null);
});

test('the switch reads true/false from the environment, defaults to on and refuses other words', () => {
  assert.equal(loadConfig({}, {}).metrics, true);
  assert.equal(loadConfig({}, { TESSERA_METRICS: 'false' }).metrics, false);
  assert.equal(loadConfig({}, { TESSERA_METRICS: 'true' }).metrics, true);
  assert.throws(
    () => loadConfig({}, { TESSERA_METRICS: 'sometimes' }),
    (e: { errors?: { path: string }[] }) => e.errors?.some((x) => x.path === 'metrics') === true,
  );
});
