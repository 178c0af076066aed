// `any`: these tests build deliberately malformed bundles, which the bundle types forbid, and assert
// on response bodies field by field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { clone, sampleBundle } from '../support/bundles.js';
import { getJson, postJson, testServer } from '../support/services.js';

let server: Awaited<ReturnType<typeof testServer>>;

/** Everything the registry shows over HTTP: the four catalog lists and the apply history. */
async function registryState(): Promise<unknown[]> {
  const segments = ['entities', 'sources', 'feature-views', 'feature-services', 'apply-history'];
  const answers = await Promise.all(segments.map((s) => getJson(`${server.url}/api/v1/${s}`)));
  return answers.map((a, i) => {
    assert.equal(a.status, 200, `GET /api/v1/${segments[i]}`);
    return a.body;
  });
}

let stored: unknown[];

before(async () => {
  server = await testServer();
  // A valid bundle first, so a rejected apply has something to leave untouched.
  const applied = await postJson(`${server.url}/api/v1/apply`, sampleBundle());
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  stored = await registryState();
  // Guards against a vacuous comparison: the state holds the applied objects and one history entry.
  const [entities, sources, views, services, history] = stored as any[];
  assert.deepEqual(
    entities.entities.map((e: any) => e.name),
    ['driver'],
  );
  assert.deepEqual(
    sources.sources.map((s: any) => s.name),
    ['driver_stats'],
  );
  assert.deepEqual(
    views.featureViews.map((v: any) => [v.name, v.latestVersion]),
    [['driver_hourly_stats', 1]],
  );
  assert.deepEqual(
    services.featureServices.map((s: any) => s.name),
    ['driver_model'],
  );
  assert.equal(history.applies.length, 1);
});
after(() => server.close());

/**
 * Posts a bundle expected to be refused: a 400 validation problem naming exactly `paths` (in order),
 * with the registry as it was before. Dry runs are checked too: a plan must refuse the same way.
 * Returns the field errors for message checks.
 */
async function refused(bundle: unknown, paths: string[], options: { sort?: boolean } = {}): Promise<{ path: string; message: string }[]> {
  let errors: { path: string; message: string }[] = [];
  for (const query of ['', '?dry_run=true']) {
    const res = await postJson(`${server.url}/api/v1/apply${query}`, bundle);
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.body.type, '/problems/validation');
    assert.equal(res.body.status, 400);
    assert.equal(res.body.title, 'Invalid request');
    assert.equal(typeof res.body.detail, 'string');
    errors = res.body.errors;
    const got = errors.map((e) => e.path);
    assert.deepEqual(options.sort ? [...got].sort() : got, paths, JSON.stringify(errors));
    for (const e of errors) assert.ok(e.message.length > 0, `an empty message for ${e.path}`);
    assert.deepEqual(await registryState(), stored, `the refused apply${query} changed the registry`);
  }
  return errors;
}

/** A valid new entity to ride along with each bad bundle: a refused bundle must not create it either. */
const rider = { name: 'rider', joinKeys: ['rider_id'], valueType: 'string' };

test('invalid names of every kind are refused, each named by its path', async () => {
  const b = clone(sampleBundle()) as any;
  b.entities.push(rider);
  b.entities[0].name = 'Driver'; // upper case
  b.sources[0].name = 'driver-stats'; // a hyphen
  b.featureViews[0].name = 'driver__hourly'; // the reserved separator
  b.featureViews[0].features[0].name = '1rate'; // starts with a digit
  b.featureServices[0].name = `m${'x'.repeat(63)}`; // 64 characters, one too many
  const errors = await refused(b, ['entities[0].name', 'featureServices[0].name', 'featureViews[0].features[0].name', 'featureViews[0].name', 'sources[0].name'], { sort: true });
  assert.match(errors.find((e) => e.path === 'featureViews[0].name')!.message, /__/);
});

test('duplicate names in the bundle and within a view', async () => {
  const b = clone(sampleBundle()) as any;
  b.featureViews[0].features.push({ name: 'conv_rate', type: 'float64' });
  b.entities.push(clone(b.entities[0]));
  b.sources.push(clone(b.sources[0]));
  b.featureViews.push(clone(b.featureViews[0]));
  b.featureServices.push(clone(b.featureServices[0]));
  // Bundle-level duplicates are checked list by list, then each view's features: the copied view
  // carries the duplicated feature too.
  const errors = await refused(b, ['entities[1].name', 'sources[1].name', 'featureViews[1].name', 'featureServices[1].name', 'featureViews[0].features[2].name', 'featureViews[1].features[2].name']);
  assert.match(errors[0].message, /'driver' is defined twice/);
  assert.match(errors[4].message, /'conv_rate' is defined twice in view 'driver_hourly_stats'/);
});

test('unknown entity and source references, in the bundle or in the stored catalog', async () => {
  const b = clone(sampleBundle()) as any;
  b.entities.push(rider);
  b.featureViews[0].entities = ['driver', 'passenger'];
  b.featureViews[0].source = 'nowhere';
  const errors = await refused(b, ['featureViews[0].entities[1]', 'featureViews[0].source']);
  assert.match(errors[0].message, /entity 'passenger' does not exist/);
  assert.match(errors[1].message, /source 'nowhere' does not exist/);

  // A bundle is a change set: a view alone may name stored objects, but not missing ones.
  const alone = { featureViews: [{ ...clone(sampleBundle().featureViews![0]), name: 'other_view', entities: ['rider'] }] };
  assert.match((await refused(alone, ['featureViews[0].entities[0]']))[0].message, /entity 'rider' does not exist/);
});

test('a service naming an unknown view, feature or version of the stored catalog', async () => {
  // Only a service: the views it names are the stored ones.
  const b = {
    entities: [rider],
    featureServices: [
      {
        name: 'new_model',
        features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:nope', 'ghost_view:x', 'driver_hourly_stats@2:conv_rate', 'driver_hourly_stats'],
      },
    ],
  };
  const errors = await refused(b, ['featureServices[0].features[1]', 'featureServices[0].features[2]', 'featureServices[0].features[3]', 'featureServices[0].features[4]']);
  assert.match(errors[0].message, /feature view 'driver_hourly_stats' has no feature 'nope'/);
  assert.match(errors[1].message, /feature view 'ghost_view' does not exist/);
  // Version 1 is the only one stored.
  assert.match(errors[2].message, /has no version 2/);
});

test('a service cannot reference itself: services name features of views only', async () => {
  // No other kind references a service, so there is no cycle to make; a self-reference is an unknown view.
  const b = { featureServices: [{ name: 'driver_model', features: ['driver_model:*'] }] };
  const errors = await refused(b, ['featureServices[0].features[0]']);
  assert.match(errors[0].message, /feature view 'driver_model' does not exist/);
});

test('transforms on the wrong type are refused at the offending step', async () => {
  const b = clone(sampleBundle()) as any;
  b.entities.push(rider);
  // A new view: replacing the stored one's features would also break the stored service.
  b.featureViews[0].name = 'typed_view';
  b.featureViews[0].features = [
    { name: 'a', type: 'string', transforms: [{ scale: { method: 'standard' } }] },
    { name: 'b', type: 'float64', transforms: [{ encode: { method: 'onehot' } }] },
    { name: 'c', type: 'string', transforms: [{ impute: { strategy: 'mode' } }, { impute: { strategy: 'median' } }] },
    // An integer constant for a float is fine; a string constant is not.
    { name: 'd', type: 'float64', transforms: [{ impute: { strategy: 'constant', value: 'zero' } }] },
    // One-hot makes several columns: nothing may follow it.
    { name: 'e', type: 'string', transforms: [{ encode: { method: 'onehot' } }, { scale: { method: 'minmax' } }] },
    { name: 'f', type: 'bool', transforms: [{ scale: { method: 'maxabs' } }] },
    // Valid: mean imputation makes a float, which standard scaling accepts.
    { name: 'g', type: 'int64', transforms: [{ impute: { strategy: 'mean' } }, { scale: { method: 'standard' } }] },
  ];
  b.featureServices = [];
  const errors = await refused(b, [
    'featureViews[0].features[0].transforms[0]',
    'featureViews[0].features[1].transforms[0]',
    'featureViews[0].features[2].transforms[1]',
    'featureViews[0].features[3].transforms[0]',
    'featureViews[0].features[4].transforms[1]',
    'featureViews[0].features[5].transforms[0]',
  ]);
  assert.match(errors[0].message, /scale standard needs a numeric feature/);
  assert.match(errors[1].message, /encode onehot needs categories/);
  assert.match(errors[2].message, /impute median needs a numeric feature/);
  assert.match(errors[3].message, /must be a number/);
  assert.match(errors[4].message, /no step can follow a one-hot encoding/);
  assert.match(errors[5].message, /'f' is bool/);
});

test('schema errors name the deepest field: unknown enum values, types, keys', async () => {
  const b = clone(sampleBundle()) as any;
  b.entities.push(rider);
  b.entities[0].valueType = 'uuid';
  b.featureViews[0].features[0].type = 'float32';
  b.featureViews[0].features[1].transforms[0].encode.method = 'binary';
  b.featureViews[0].timezone = 'Mars/Olympus';
  b.featureViews[0].colour = 'blue';
  b.sources[0].timestampField = 42;
  await refused(
    b,
    [
      'entities[0].valueType',
      'featureViews[0]',
      'featureViews[0].features[0].type',
      'featureViews[0].features[1].transforms[0].encode.method',
      'featureViews[0].timezone',
      'sources[0].timestampField',
    ],
    { sort: true },
  );
});

test('an http source with {start} or {end} in its host, port or user is refused at its url', async () => {
  for (const url of ['http://{start}', 'https://{end}/', 'http://x@{start}', 'http://{start}.example.com/data']) {
    const errors = await refused({ sources: [{ name: 'remote', type: 'http', url, timestampField: 't' }] }, ['sources[0].url']);
    assert.match(errors[0].message, /only stand in the path or the query/, url);
  }
  // Not a URL at all (a port must be digits): refused as one.
  const [port] = await refused({ sources: [{ name: 'remote', type: 'http', url: 'http://example.com:{end}/', timestampField: 't' }] }, ['sources[0].url']);
  assert.equal(port.message, 'Invalid URL');
  // In the path and the query they are what the run fills in: accepted (a dry run: nothing is stored,
  // and a literal public address is checked without connecting or resolving).
  const ok = await postJson(`${server.url}/api/v1/apply?dry_run=true`, { sources: [{ name: 'remote', type: 'http', url: 'http://93.184.216.34/rows/{start}?to={end}', timestampField: 't' }] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
});

test('a change that would break a stored service is refused, blaming the view', async () => {
  // driver_model uses car_type: a new version without it would leave the service dangling.
  const view = clone(sampleBundle().featureViews![0]);
  view.features = view.features.filter((f) => f.name !== 'car_type');
  const errors = await refused({ entities: [rider], featureViews: [view] }, ['featureViews[0].features']);
  assert.match(errors[0].message, /'car_type' is used by feature service 'driver_model'/);
});

test('a YAML bundle is refused with the same paths', async () => {
  const b = clone(sampleBundle()) as any;
  b.featureViews[0].source = 'nowhere';
  const res = await fetch(`${server.url}/api/v1/apply`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: toYaml(b) });
  assert.equal(res.status, 400);
  assert.match(res.headers.get('content-type')!, /^application\/problem\+json/);
  const body = (await res.json()) as { type: string; errors: { path: string }[] };
  assert.equal(body.type, '/problems/validation');
  assert.deepEqual(
    body.errors.map((e) => e.path),
    ['featureViews[0].source'],
  );
  assert.deepEqual(await registryState(), stored);
});

test('after all the refusals, the stored bundle applies as unchanged', async () => {
  // The registry is still exactly the first apply: re-applying it is a no-op.
  const again = await postJson(`${server.url}/api/v1/apply`, sampleBundle());
  assert.equal(again.status, 200);
  assert.deepEqual([again.body.created, again.body.updated, again.body.newVersions], [[], [], []]);
  assert.equal(again.body.unchanged.length, 4);
  assert.deepEqual(await registryState(), stored);
});
