import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rateBundle } from '../support/bundles.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// What Feast's remote client sends to /materialize and /materialize-incremental (feast-dev/feast at
// f0bc070, sdk/python/feast/feature_store.py: materialize, materialize_incremental,
// _delegate_remote_materialize): every field, `feature_views` null when not given, datetimes as
// `isoformat()` (with `+00:00` and microseconds), and `async`/`force` as query parameters, which the
// Python server reads as FastAPI reads a bool (feature_server.py: `Query(False, alias="async")`).
// The test clock is 2026-11-29T12:00:00Z.
const CSV = `driver_id,ts,rate
1,2026-11-28T10:00:00Z,1
2,2026-11-28T11:00:00Z,2
`;
const bundle = rateBundle('rates');

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle);
});
after(() => s.close());

/** Posts, then waits for the queued runs of a 202 so that the next request finds the view idle. */
async function materialize(path: string, body: object) {
  const res = await postJson(`${s.url}${path}`, body);
  if (res.status === 202) for (const run of res.body.runs) await s.pipelines.service.waitFor(run.id, { timeoutMs: 30_000 });
  return res;
}

test("the remote client's /materialize body, with async as requests writes Python's True (?async=True) and force", async () => {
  // payload = {"start_ts": start_date.isoformat(), "end_ts": ..., "feature_views": None, "disable_event_timestamp": False, "full_feature_names": False}
  const body = { start_ts: '2026-11-28T00:00:00+00:00', end_ts: '2026-11-28T10:30:00.123456+00:00', feature_views: null, disable_event_timestamp: false, full_feature_names: false };
  for (const query of ['?async=True', '?async=true&force=true', '?async=yes&force=False', '?async=1']) {
    const res = await materialize(`/materialize${query}`, body);
    assert.equal(res.status, 202, `${query}: ${JSON.stringify(res.body)}`);
    // Feast's answer: {"status": "accepted", "feature_views": fv_names}.
    assert.equal(res.body.status, 'accepted');
    assert.deepEqual(res.body.feature_views, ['rates']);
  }
  for (const query of ['?async=False', '?async=0&force=no', '']) {
    const res = await materialize(`/materialize${query}`, body);
    assert.equal(res.status, 200, `${query}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.runs[0].status, 'succeeded', res.body.runs[0].error);
    assert.equal(res.body.runs[0].rowsIn, 1, 'the row at 10:00 on the 28th');
  }
});

test("/materialize-incremental: the remote client's body, ?async=TRUE; a flag FastAPI would refuse is a 400 naming it", async () => {
  const res = await materialize('/materialize-incremental?async=TRUE', { end_ts: '2026-11-29T00:00:00.000001+00:00', feature_views: null, full_feature_names: false });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  assert.deepEqual([res.body.status, res.body.feature_views], ['accepted', ['rates']]);
  const bad = await postJson(`${s.url}/materialize-incremental?async=maybe`, { end_ts: '2026-11-29T06:00:00+00:00' });
  assert.equal(bad.status, 400, JSON.stringify(bad.body));
  assert.equal(bad.body.errors[0].path, '(query) async');
});
