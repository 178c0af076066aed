import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MAX_FIELD_ERRORS } from '../../server/field-error-list.js';
import { rateBundle } from '../support/bundles.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';

// Inputs found by a fuzzing probe over every route: each answered a 500 or held the event loop.
const CSV = 'driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n2,2026-11-02T10:00:00Z,0.7\n';
const bundle = rateBundle('drv', 'data/d.csv');

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'data/d.csv': CSV }, bundle);
  assert.equal((await s.materialize('drv')).status, 'succeeded');
});
after(() => s.close());

type Answer = { status: number; type: string; body: { detail: string; errors: { path: string }[] } };

function assertProblem(res: Answer, status: number, path: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body).slice(0, 500));
  assert.match(res.type, /^application\/problem\+json/);
  assert.ok(
    res.body.errors.some((e) => e.path === path),
    JSON.stringify(res.body).slice(0, 500),
  );
}

test('an array of wrongly typed items within its cap is a 400 listing the first 100 fields, not minutes of CPU', async () => {
  // Each item is an issue; each was once checked against every one kept before it (quadratic: 200,000
  // items took ~100 s).
  const numbers = Array.from({ length: 5_000 }, () => 1);
  const feast = await postJson(`${s.url}/materialize`, { feature_views: numbers, disable_event_timestamp: true });
  assertProblem(feast, 400, 'feature_views[0]');
  assert.equal(feast.body.errors.length, MAX_FIELD_ERRORS);
  assert.equal(feast.body.errors.at(-1)?.path, `feature_views[${MAX_FIELD_ERRORS - 1}]`);
  assert.match(feast.body.detail, /; and 4900 more problems$/);
  // Transform values are checked by hand, capped the same way.
  const transform = await postJson(`${s.url}/api/v1/feature-views/drv/transform`, { rows: numbers.map(() => ({ driver_id: 1, rate: 'x' })) });
  assertProblem(transform, 400, 'rows[0].rate');
  assert.equal(transform.body.errors.length, MAX_FIELD_ERRORS);
  assert.match(transform.body.detail, /; and 4900 more problems$/);
  // A bundle is validated by its own schema walk, capped the same way.
  const apply = await postJson(`${s.url}/api/v1/apply?dry_run=true`, { entities: numbers });
  assertProblem(apply, 400, 'entities[0]');
  assert.equal(apply.body.errors.length, MAX_FIELD_ERRORS);
  assert.match(apply.body.detail, /5000 problems \(the first 100 listed\)/);
  assert.equal((await getJson(`${s.url}/api/v1/runs?featureView=drv`)).body.runs.length, 1, 'no run was queued');
});

test('an array beyond its cap is one error, found before its items are checked (4M wrong items made 4M issues: seconds and gigabytes)', async () => {
  const numbers = Array.from({ length: 4_000_000 }, () => 1);
  const feast = await postJson(`${s.url}/materialize`, { feature_views: numbers, disable_event_timestamp: true });
  assertProblem(feast, 400, 'feature_views');
  assert.equal(feast.body.errors.length, 1);
  assert.match(feast.body.errors[0].message, /10000/);
  // Rows are cut after the first that is not an object: one issue names it.
  const transform = await postJson(`${s.url}/api/v1/feature-views/drv/transform`, { rows: [{ driver_id: 1, rate: 0.5 }, ...numbers] });
  assertProblem(transform, 400, 'rows[1]');
  assert.equal(transform.body.errors.length, 1);
  const apply = await postJson(`${s.url}/api/v1/apply?dry_run=true`, { entities: numbers });
  assertProblem(apply, 400, 'entities');
  assert.equal(apply.body.errors.length, 1);
  const historical = await postJson(`${s.url}/get-historical-features`, { features: numbers, entities: { driver_id: [1], event_timestamp: ['2026-11-22T00:00:00Z'] } });
  assertProblem(historical, 400, 'features');
  assert.equal(historical.body.errors.length, 1);
  assert.equal((await getJson(`${s.url}/api/v1/runs?featureView=drv`)).body.runs.length, 1, 'no run was queued');
});

test('a dataset whose entity value is nested thousands deep is a 400 naming it, and no dataset is made', async () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const body = (label: string) => `{"name":"deep_set","features":["drv:rate"],"entities":{"driver_id":[1],"event_timestamp":["2026-11-22T00:00:00Z"],"label":[${label}]}}`;
  assertProblem(await postJson(`${s.url}/api/v1/training-datasets`, body(deep)), 400, 'entities.label[0]');
  assertProblem(await postJson(`${s.url}/api/v1/training-datasets`, body('{"a":1}')), 400, 'entities.label[0]');
  assert.deepEqual((await getJson(`${s.url}/api/v1/training-datasets`)).body.trainingDatasets, []);
  const made = await postJson(`${s.url}/api/v1/training-datasets`, body('7'));
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.rows, 1);
});

test("a model named 'constructor' is a model: its performance is read, not Object's constructor", async () => {
  const res = await getJson(`${s.url}/api/v1/models/constructor/performance`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.model, 'constructor');
  assert.deepEqual(res.body.buckets, []);
});

test('a number beyond the float64 range is named as such in the message, not as null', async () => {
  // JSON.parse reads 1e309 as Infinity, which the message once printed as JSON: "null is not a float64".
  const transform = await postJson(`${s.url}/api/v1/feature-views/drv/transform`, '{"rows":[{"driver_id":1,"rate":1e309}]}');
  assertProblem(transform, 400, 'rows[0].rate');
  assert.equal(transform.body.errors[0].message, 'Infinity (a number beyond the float64 range) is not a float64');
  const online = await postJson(`${s.url}/get-online-features`, '{"features":["drv:rate"],"entities":{"driver_id":[-1e309]}}');
  assertProblem(online, 400, 'entities.driver_id[0]');
  assert.match(online.body.detail, /got -Infinity \(a number beyond the float64 range\)$/);
});

test('entity rows with more than 1,000 columns are a 400 at once, as JSON and as a CSV upload (50,000 columns kept DuckDB busy for minutes)', async () => {
  const columns = Array.from({ length: 50_000 }, (_, i) => `c${i}`);
  const csv = `driver_id,event_timestamp,${columns.join(',')}\n1,2026-11-22T00:00:00Z,${columns.map(() => '1').join(',')}\n`;
  const upload = await fetch(`${s.url}/get-historical-features?features=drv:rate`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv, signal: AbortSignal.timeout(60_000) });
  const uploaded = (await upload.json()) as Answer['body'];
  assertProblem({ status: upload.status, type: upload.headers.get('content-type') ?? '', body: uploaded }, 400, '(body) header[1000]');
  assert.match(uploaded.detail, /50,002 columns: entity rows carry at most 1,000/);

  const entities: Record<string, unknown[]> = { driver_id: [1], event_timestamp: ['2026-11-22T00:00:00Z'] };
  for (const c of columns.slice(0, 999)) entities[c] = [1];
  const json = await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities });
  assertProblem(json as Answer, 400, 'entities.c998');
  assert.match(json.body.detail, /1,001 columns/);
});

test('an object of more than 10,000 keys is one 400 naming it, before any schema visits its keys (1M keys: 8-10 s of zod)', async () => {
  const huge = Object.fromEntries(Array.from({ length: 1_000_000 }, (_, i) => [`f${i}`, 'x']));
  // The prediction-log fast path (a record of features per prediction).
  const logged = await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'churn', predictions: [{ entity: { driver_id: 1 }, features: huge, prediction: 1 }] });
  assertProblem(logged as Answer, 400, 'predictions[0].features');
  assert.equal(logged.body.errors.length, 1);
  assert.match(logged.body.detail, /an object of 1,000,000 keys, more than the 10,000 one object may hold/);
  // The historical route's own JSON reader, and a Feast route through the shared body reader.
  assertProblem((await postJson(`${s.url}/get-historical-features`, { features: ['drv:rate'], entities: huge })) as Answer, 400, 'entities');
  assertProblem((await postJson(`${s.url}/push`, { push_source_name: 'x', df: huge, to: 'online' })) as Answer, 400, 'df');
  const page = await getJson(`${s.url}/api/v1/prediction-logs?model=churn`);
  assert.equal(page.status, 200);
  assert.deepEqual(page.body.predictions, [], 'nothing was logged');
});

test('a body of a million wrong values is refused after 50,000 problems, without naming them (13-20 s of zod before)', async () => {
  const features = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`f${i}`, [i]]));
  const predictions = Array.from({ length: 1_000 }, (_, i) => ({ entity: { driver_id: i }, features, prediction: 1 }));
  const refused = await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'churn', predictions });
  assert.equal(refused.status, 400);
  assert.deepEqual(refused.body.errors, [{ path: '(body)', message: 'too many wrong values to name them: validation stopped after 50,000 problems' }]);
  // One mistake in each of a thousand items is still named, item by item.
  const named = await postJson(`${s.url}/api/v1/prediction-logs`, { model: 'churn', predictions: predictions.map((p) => ({ ...p, features: { f0: [0] } })) });
  assertProblem(named as Answer, 400, 'predictions[99].features.f0');
  assert.match(named.body.detail, /; and 900 more problems$/);
  const page = await getJson(`${s.url}/api/v1/prediction-logs?model=churn`);
  assert.deepEqual(page.body.predictions, [], 'nothing was logged');
});

test('a YAML bundle is bounded before the yaml package reads it: nesting, size, self-holding aliases, duplicate keys', async () => {
  const yaml = (body: string) =>
    fetch(`${s.url}/api/v1/apply`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body }).then(async (r) => ({
      status: r.status,
      type: r.headers.get('content-type') ?? '',
      body: (await r.json()) as { detail: string; errors: { path: string; message: string }[] },
    }));
  // 60,000 `[` (120 KB; 100,000 in the probe): yaml's recursion overflowed the stack inside V8's regex compiler, which aborted the process.
  const deep = await yaml(`entities: ${'['.repeat(60_000)}${']'.repeat(60_000)}`);
  assertProblem(deep as Answer, 400, '(body)');
  assert.equal(deep.body.errors[0].message, 'nested more than 200 levels');
  assertProblem((await yaml(`${'- '.repeat(60_000)}1`)) as Answer, 400, '(body)');
  // An anchor holding its own alias decoded to a value holding itself: the key count walked it until the heap ran out.
  const cycle = await yaml('entities: &a\n  - *a\n');
  assertProblem(cycle as Answer, 400, '(body)');
  assert.match(cycle.body.errors[0].message, /holds it/);
  // 500 KB of small nodes held the event loop 2.5-3.4 s (16 MB were allowed): a YAML body holds at most 128 KiB.
  const big = await yaml(`entities: [${Array(250_000).fill('1').join(',')}]`);
  assertProblem(big as Answer, 400, '(body)');
  assert.equal(big.body.errors[0].message, '500,011 characters: at most 131,072 in YAML');
  // Duplicate keys are still refused, with a set rather than yaml's comparison of every pair (20,000 keys: 3-6 s).
  const twice = await yaml('entities: []\nentities: []\n');
  assertProblem(twice as Answer, 400, '(body)');
  assert.match(twice.body.errors[0].message, /'entities' is given twice/);
  assert.equal((await getJson(`${s.url}/api/v1/entities`)).body.entities.length, 1, 'nothing was applied');
  // Nesting within the bound, flow maps on one line and aliases still read.
  const fine = await yaml('x: &e {name: rider, joinKeys: [rider_id], valueType: int64}\n');
  assertProblem(fine as Answer, 400, '(root)');
  const ok = await yaml('entities:\n  - {name: rider, joinKeys: [rider_id], valueType: int64}\n');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});
