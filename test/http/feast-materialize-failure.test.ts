import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { rateBundle } from '../support/bundles.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// A synchronous Feast /materialize whose run fails. Feast's server raises (FastAPI: 500) and its remote
// client (feature_store.py, _post_to_feature_server) raises only on a status >= 400, so the 200 Tessera
// answered with `status: "failed"` made the client log "Remote materialization completed".

// rateBundle's view, and one whose runs fail: log1p of -3 cannot be taken (transform_error), whatever the window.
const rates = rateBundle('rates');
const bundle: BundleInput = {
  ...rates,
  sources: [...rates.sources!, { name: 'negative', type: 'csv', path: 'negative.csv', timestampField: 'ts' }],
  featureViews: [...rates.featureViews!, { name: 'log_rates', entities: ['driver'], source: 'negative', features: [{ name: 'rate', type: 'float64', transforms: [{ scale: { method: 'log1p' } }] }] }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': 'driver_id,ts,rate\n1,2026-11-28T10:00:00Z,1\n', 'negative.csv': 'driver_id,ts,rate\n1,2026-11-28T10:00:00Z,-3\n' }, bundle);
});
after(() => s?.close());

const window = { start_ts: '2026-11-28T00:00:00+00:00', end_ts: '2026-11-28T12:00:00+00:00' };

test('a failed run makes /materialize a problem document with its status, naming the view, with every run', async () => {
  const res = await postJson(`${s.url}/materialize`, { ...window, feature_views: ['rates', 'log_rates'] });
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.equal(res.body.type, '/problems/transform_error');
  assert.match(res.body.detail, /^feature view 'log_rates' failed to materialize \(run \d+, transform_error\): .*log1p needs values greater than -1, but found -3/);
  assert.deepEqual(res.body.errors, [{ path: 'feature_views[1]', message: `run ${res.body.runs[1].id} failed (transform_error)` }]);
  assert.deepEqual(res.body.feature_views, ['rates', 'log_rates']);
  assert.deepEqual(
    res.body.runs.map((r: { featureView: string; status: string }) => [r.featureView, r.status]),
    [
      ['rates', 'succeeded'],
      ['log_rates', 'failed'],
    ],
  );
});

test('the same for /materialize-incremental; views that succeed alone still answer 200', async () => {
  const failed = await postJson(`${s.url}/materialize-incremental`, { end_ts: '2026-11-28T13:00:00+00:00', feature_views: ['log_rates'] });
  assert.equal(failed.status, 422, JSON.stringify(failed.body));
  assert.equal(failed.body.errors[0].path, 'feature_views[0]');
  const ok = await postJson(`${s.url}/materialize`, { start_ts: '2026-11-27T00:00:00+00:00', end_ts: '2026-11-28T12:00:00+00:00', feature_views: ['rates'] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.status, 'succeeded');
});
