// `any`: response bodies are asserted field by field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { clone, sampleBundle } from '../support/bundles.js';
import { getJson, postJson, testServer } from '../support/services.js';

let server: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  server = await testServer({ bodyLimit: '1mb' });
});
after(() => server.close());

/** Asserts a problem document: status, type and the field paths it names. */
function assertProblem(res: { status: number; type: string; body: any }, status: number, type: string, paths?: string[]) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.type, /^application\/problem\+json/);
  assert.equal(res.body.type, `/problems/${type}`);
  assert.equal(res.body.status, status);
  assert.equal(typeof res.body.title, 'string');
  assert.equal(typeof res.body.detail, 'string');
  if (paths)
    assert.deepEqual(
      res.body.errors.map((e: { path: string }) => e.path),
      paths,
    );
}

async function revision(): Promise<number> {
  return server.services.catalogStore.revision();
}

test('apply, dry run, then list and detail', async () => {
  const plan = await postJson(`${server.url}/api/v1/apply?dry_run=true`, sampleBundle());
  assert.equal(plan.status, 200);
  assert.equal(plan.body.dryRun, true);
  assert.equal(plan.body.created.length, 4);
  assert.equal(await revision(), 0);

  const applied = await postJson(`${server.url}/api/v1/apply`, sampleBundle());
  assert.equal(applied.status, 200);
  assert.deepEqual(applied.body.newVersions, [{ featureView: 'driver_hourly_stats', version: 1, reasons: ['new feature view'] }]);

  const views = await getJson(`${server.url}/api/v1/feature-views`);
  assert.equal(views.body.featureViews.length, 1);
  const view = views.body.featureViews[0];
  assert.equal(view.name, 'driver_hourly_stats');
  assert.equal(view.ttl, 172_800);
  assert.equal(view.latestVersion, 1);
  assert.deepEqual(view.joinKeys, [{ name: 'driver_id', type: 'int64' }]);
  // One-hot columns are unknown until the first fit.
  assert.equal(view.versions[0].outputSchema, null);
  assert.equal((await getJson(`${server.url}/api/v1/entities/driver`)).body.joinKeys[0].name, 'driver_id');
  assert.equal((await getJson(`${server.url}/api/v1/sources/driver_stats`)).body.type, 'csv');
  assert.deepEqual((await getJson(`${server.url}/api/v1/feature-services/driver_model`)).body.features, ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:car_type']);
  const version = await getJson(`${server.url}/api/v1/feature-views/driver_hourly_stats/versions/1`);
  assert.equal(version.body.version, 1);
  assert.equal(version.body.fittedState, null);
  assert.equal(version.body.definition.source.path, 'data/driver_stats.csv');

  assertProblem(await getJson(`${server.url}/api/v1/feature-views/nope`), 404, 'not_found', ['name']);
  assertProblem(await getJson(`${server.url}/api/v1/feature-views/driver_hourly_stats/versions/9`), 404, 'not_found', ['version']);
  assertProblem(await getJson(`${server.url}/api/v1/feature-views/driver_hourly_stats/versions/x`), 400, 'validation', ['version']);
});

test('a YAML body is accepted', async () => {
  const res = await fetch(`${server.url}/api/v1/apply?dry_run=true`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: toYaml(sampleBundle()) });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { dryRun: boolean }).dryRun, true);
});

test('bad input: 4xx problem documents naming the field, registry untouched', async () => {
  await postJson(`${server.url}/api/v1/apply`, sampleBundle());
  const before = await revision();
  const bad = clone(sampleBundle()) as any;
  bad.featureViews[0].features[0].transforms[1] = { scale: { method: 'zscore' } };
  assertProblem(await postJson(`${server.url}/api/v1/apply`, bad), 400, 'validation', ['featureViews[0].features[0].transforms[1].scale.method']);

  const unknownRef = clone(sampleBundle());
  unknownRef.featureViews![0].source = 'missing';
  assertProblem(await postJson(`${server.url}/api/v1/apply`, unknownRef), 400, 'validation', ['featureViews[0].source']);

  const badCron = clone(sampleBundle()) as any;
  badCron.featureViews[0].schedule = '61 * * * *';
  assertProblem(await postJson(`${server.url}/api/v1/apply`, badCron), 400, 'validation', ['featureViews[0].schedule']);

  const badDuration = clone(sampleBundle()) as any;
  badDuration.featureViews[0].ttl = 'two days';
  assertProblem(await postJson(`${server.url}/api/v1/apply`, badDuration), 400, 'validation', ['featureViews[0].ttl']);

  assertProblem(await postJson(`${server.url}/api/v1/apply`, '{"entities": ['), 400, 'validation', ['(body)']);
  const notYaml = await fetch(`${server.url}/api/v1/apply`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: 'entities: [\n  - : :' });
  assertProblem({ status: notYaml.status, type: notYaml.headers.get('content-type')!, body: await notYaml.json() }, 400, 'validation', ['(body)']);
  assertProblem(await postJson(`${server.url}/api/v1/apply`, ''), 400, 'validation', ['(body)']);
  assertProblem(await postJson(`${server.url}/api/v1/apply`, 'null'), 400, 'validation', ['(root)']);
  assertProblem(await postJson(`${server.url}/api/v1/apply`, 'entities: []', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  const big = JSON.stringify({ entities: [], description: 'x'.repeat(10 * 1024 * 1024) });
  assertProblem(await postJson(`${server.url}/api/v1/apply`, big), 413, 'payload_too_large', ['(body)']);
  assertProblem(await postJson(`${server.url}/api/v1/apply?dry_run=maybe`, sampleBundle()), 400, 'validation', ['(query) dry_run']);
  assert.equal(await revision(), before);
});

test('unknown routes are 404 problem documents; health answers', async () => {
  assertProblem(await getJson(`${server.url}/api/v1/nothing-here`), 404, 'not_found', ['(url)']);
  assertProblem(await postJson(`${server.url}/get-nothing`, {}), 404, 'not_found');
  const health = await getJson(`${server.url}/health`);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');
  assert.equal(health.body.checks.registry, 'ok');
  const problemType = await fetch(`${server.url}/problems/validation`);
  assert.equal(problemType.status, 200);
});

test('request ids are echoed, or made', async () => {
  const mine = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
  assert.equal(mine.headers.get('x-request-id'), 'abc-123');
  const made = await fetch(`${server.url}/health`);
  assert.match(made.headers.get('x-request-id')!, /^[0-9a-f]{8}-[0-9a-z]+$/);
  assert.notEqual((await fetch(`${server.url}/health`)).headers.get('x-request-id'), made.headers.get('x-request-id'));
});

test('the JSON Schema of a bundle is published', async () => {
  const res = await getJson(`${server.url}/api/v1/schema`);
  assert.equal(res.status, 200);
  assert.ok(res.body.properties.featureViews);
  assert.ok(res.body.properties.entities);
});

test('DELETE removes an object, refusing while it is referenced', async () => {
  await postJson(`${server.url}/api/v1/apply`, { featureServices: [{ name: 'tmp_service', features: ['driver_hourly_stats:conv_rate'] }] });
  const refused = await fetch(`${server.url}/api/v1/feature-views/driver_hourly_stats`, { method: 'DELETE' });
  assert.equal(refused.status, 409);
  assert.equal((await fetch(`${server.url}/api/v1/feature-services/tmp_service`, { method: 'DELETE' })).status, 204);
  assert.equal((await getJson(`${server.url}/api/v1/feature-services/tmp_service`)).status, 404);
  assert.equal((await fetch(`${server.url}/api/v1/feature-services/tmp_service`, { method: 'DELETE' })).status, 404);
});
