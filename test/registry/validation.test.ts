// `any`: these tests build deliberately malformed bundles, which the bundle types forbid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import { TesseraError } from '../../server/errors.js';
import { clone, sampleBundle } from '../support/bundles.js';
import { testServices } from '../support/services.js';

/** Applies a bundle expected to fail; returns the error's field paths and messages. */
async function rejects(bundle: unknown, setup?: BundleInput): Promise<{ path: string; message: string }[]> {
  const s = await testServices();
  try {
    if (setup) await s.applyService.apply(parseBundle(setup), { dryRun: false, actor: 'test' });
    const revision = await s.catalogStore.revision();
    try {
      await s.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
    } catch (e) {
      assert.ok(e instanceof TesseraError, `expected a TesseraError, got ${String(e)}`);
      assert.equal(e.code, 'validation');
      assert.equal(await s.catalogStore.revision(), revision, 'a rejected apply must not write');
      return e.errors;
    }
    assert.fail('the apply was accepted');
  } finally {
    await s.close();
  }
}

const paths = (errors: { path: string }[]) => errors.map((e) => e.path);

test('invalid names', async () => {
  const b = clone(sampleBundle()) as any;
  b.entities[0].name = 'Driver';
  b.featureViews[0].features[0].name = '1rate';
  b.featureViews[0].name = 'driver__stats';
  const errors = await rejects(b);
  assert.deepEqual(paths(errors).sort(), ['entities[0].name', 'featureViews[0].features[0].name', 'featureViews[0].name']);
  assert.match(errors.find((e) => e.path === 'featureViews[0].name')!.message, /__/);
});

test('unknown references: entity, source, and a service naming an unknown view, feature or version', async () => {
  const b = clone(sampleBundle());
  b.featureViews![0].entities = ['rider'];
  b.featureViews![0].source = 'nowhere';
  b.featureServices![0].features = ['driver_hourly_stats:nope', 'ghost_view:x', 'driver_hourly_stats@7:conv_rate', 'not a ref'];
  const errors = await rejects(b);
  assert.deepEqual(paths(errors), [
    'featureViews[0].entities[0]',
    'featureViews[0].source',
    'featureServices[0].features[0]',
    'featureServices[0].features[1]',
    'featureServices[0].features[2]',
    'featureServices[0].features[3]',
  ]);
  assert.match(errors[0].message, /entity 'rider' does not exist/);
  assert.match(errors[2].message, /no feature 'nope'/);
  assert.match(errors[4].message, /no version 7/);
});

test('duplicate names in the bundle and in a view', async () => {
  const b = clone(sampleBundle());
  b.entities!.push(clone(b.entities![0]));
  b.featureViews![0].features.push({ name: 'conv_rate', type: 'float64' });
  const errors = await rejects(b);
  assert.deepEqual(paths(errors), ['entities[1].name', 'featureViews[0].features[2].name']);
});

test('a transform on the wrong type, one-hot on a float, two kinds in one step', async () => {
  const b = clone(sampleBundle());
  b.featureViews![0].features = [
    { name: 'a', type: 'string', transforms: [{ scale: { method: 'standard' } }] },
    { name: 'b', type: 'float64', transforms: [{ encode: { method: 'onehot' } }] },
    { name: 'c', type: 'string', transforms: [{ impute: { strategy: 'mean' } }] },
  ];
  b.featureServices = [];
  const errors = await rejects(b);
  assert.deepEqual(paths(errors), ['featureViews[0].features[0].transforms[0]', 'featureViews[0].features[1].transforms[0]', 'featureViews[0].features[2].transforms[0]']);
  const twoKinds = clone(sampleBundle()) as any;
  twoKinds.featureViews[0].features[0].transforms = [{ impute: { strategy: 'mean' }, scale: { method: 'standard' } }];
  assert.deepEqual(paths(await rejects(twoKinds)), ['featureViews[0].features[0].transforms[0]']);
});

test('schema errors name the deepest field', async () => {
  const b = clone(sampleBundle()) as any;
  b.featureViews[0].features[1].transforms = [{ scale: { method: 'zscore' } }];
  b.featureViews[0].schedule = 'every hour';
  b.featureViews[0].ttl = '2 days';
  b.featureViews[0].timezone = 'Mars/Olympus';
  b.sources[0].type = 'excel';
  const errors = await rejects(b);
  assert.deepEqual(paths(errors).sort(), ['featureViews[0].features[1].transforms[0].scale.method', 'featureViews[0].schedule', 'featureViews[0].timezone', 'featureViews[0].ttl', 'sources[0].type']);
});

test('unknown keys, wrong types and a bundle that is not an object', async () => {
  const b = clone(sampleBundle()) as any;
  b.featureViews[0].colour = 'blue';
  b.entities[0].joinKeys = 'driver_id';
  assert.deepEqual(paths(await rejects(b)).sort(), ['entities[0].joinKeys', 'featureViews[0]']);
  assert.deepEqual(paths(await rejects([1, 2])), ['(root)']);
  assert.deepEqual(paths(await rejects({ featureView: [] })), ['(root)']);
});

test('features may not take a join key or timestamp column name', async () => {
  const b = clone(sampleBundle());
  b.featureViews![0].features = [
    { name: 'driver_id', type: 'int64' },
    { name: 'event_timestamp', type: 'int64' },
  ];
  b.featureServices = [];
  assert.deepEqual(paths(await rejects(b)), ['featureViews[0].features[0].name', 'featureViews[0].features[1].name']);
});

test('a change that removes a feature used by a stored service is refused, pointing at the view', async () => {
  const setup = sampleBundle();
  const b: BundleInput = { featureViews: [{ ...clone(setup.featureViews![0]), features: [clone(setup.featureViews![0].features[0])] }] };
  const errors = await rejects(b, setup);
  assert.deepEqual(paths(errors), ['featureViews[0].features']);
  assert.match(errors[0].message, /used by feature service 'driver_model'/);
});

test('a service cannot reference itself or another service: only views exist as targets', async () => {
  const b = clone(sampleBundle());
  b.featureServices![0].features = ['driver_model:conv_rate'];
  const errors = await rejects(b);
  assert.match(errors[0].message, /feature view 'driver_model' does not exist/);
});

test('two features reading one source column must agree on its type', async () => {
  const b = clone(sampleBundle());
  b.featureViews![0].features.push({ name: 'conv_text', type: 'string', from: 'conv_rate' });
  const errors = await rejects(b);
  assert.deepEqual(paths(errors), ['featureViews[0].features[2].type']);
  assert.match(errors[0].message, /read as float64/);
});
