import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import { latestVersion } from '../../server/registry/catalog.js';
import { clone, sampleBundle } from '../support/bundles.js';
import { testServices } from '../support/services.js';

async function setup() {
  const s = await testServices();
  const apply = (b: BundleInput, dryRun = false) => s.applyService.apply(parseBundle(b), { dryRun, actor: 'test' });
  return { s, apply };
}

test('first apply creates everything, with version 1 of each view', async () => {
  const { s, apply } = await setup();
  const result = await apply(sampleBundle());
  assert.deepEqual(
    result.created.map((i) => `${i.kind}:${i.name}`),
    ['entity:driver', 'source:driver_stats', 'featureView:driver_hourly_stats', 'featureService:driver_model'],
  );
  assert.deepEqual(result.newVersions, [{ featureView: 'driver_hourly_stats', version: 1, reasons: ['new feature view'] }]);
  const catalog = await s.catalog.get();
  assert.equal(catalog.featureViews.get('driver_hourly_stats')!.versions.length, 1);
  assert.equal(catalog.entities.get('driver')!.entity.joinKeys[0].type, 'int64');
  await s.close();
});

test('an identical apply changes nothing: no version, no history entry, same revision', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const revision = await s.catalogStore.revision();
  const history = (await s.catalogStore.applyHistory(10)).length;
  const again = await apply(sampleBundle());
  assert.deepEqual(again.created, []);
  assert.deepEqual(again.updated, []);
  assert.deepEqual(again.newVersions, []);
  assert.equal(again.unchanged.length, 4);
  assert.equal(await s.catalogStore.revision(), revision);
  assert.equal((await s.catalogStore.applyHistory(10)).length, history);
  await s.close();
});

test('a transform change makes version N+1 and keeps N', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const changed = clone(sampleBundle());
  changed.featureViews![0].features[0].transforms = [{ impute: { strategy: 'mean' } }, { scale: { method: 'standard' } }];
  const result = await apply(changed);
  assert.deepEqual(result.newVersions, [{ featureView: 'driver_hourly_stats', version: 2, reasons: ['features[0].transforms[0].impute.strategy'] }]);
  const view = (await s.catalog.get()).featureViews.get('driver_hourly_stats')!;
  assert.deepEqual(
    view.versions.map((v) => v.version),
    [1, 2],
  );
  assert.deepEqual(view.versions[0].definition.features[0].transforms[0], { impute: { strategy: 'median' } });
  assert.deepEqual(latestVersion(view).definition.features[0].transforms[0], { impute: { strategy: 'mean' } });
  // Applying the new definition again is a no-op.
  assert.deepEqual((await apply(changed)).newVersions, []);
  await s.close();
});

test('type changes, added features and fit windows make versions', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const b = clone(sampleBundle());
  b.featureViews![0].features.push({ name: 'trips', type: 'int64' });
  assert.equal((await apply(b)).newVersions[0].version, 2);
  b.featureViews![0].features[2].type = 'float64';
  assert.equal((await apply(b)).newVersions[0].version, 3);
  b.featureViews![0].fit = { window: '30d' };
  assert.equal((await apply(b)).newVersions[0].version, 4);
  await s.close();
});

test('metadata edits (description, tags, ttl, schedule, online, owner) update in place', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const b = clone(sampleBundle());
  Object.assign(b.featureViews![0], { description: 'new words', tags: { team: 'x' }, ttl: '3d', schedule: '0 * * * *', online: false, owner: 'me' });
  const result = await apply(b);
  assert.deepEqual(result.newVersions, []);
  assert.equal(result.updated.length, 1);
  assert.deepEqual(result.updated[0].changes, ['description', 'online', 'owner', 'schedule', 'tags', 'ttl']);
  const view = (await s.catalog.get()).featureViews.get('driver_hourly_stats')!;
  assert.equal(view.versions.length, 1);
  assert.equal(view.metadata.ttl, 3 * 86_400);
  assert.equal(view.metadata.online, false);
  await s.close();
});

test('a source or entity change versions the views that read it; source metadata does not', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  // The bundle names only the source: the stored view still gets a new version.
  const onlySource: BundleInput = { sources: [{ name: 'driver_stats', type: 'csv', path: 'data/other.csv', timestampField: 'event_timestamp' }] };
  const r1 = await apply(onlySource);
  assert.deepEqual(
    r1.newVersions.map((v) => [v.featureView, v.version, v.reasons]),
    [['driver_hourly_stats', 2, ['source.path']]],
  );
  const described: BundleInput = { sources: [{ ...clone(onlySource.sources![0]), description: 'words only' }] };
  const r2 = await apply(described);
  assert.deepEqual(r2.newVersions, []);
  assert.deepEqual(
    r2.updated.map((i) => i.name),
    ['driver_stats'],
  );
  const r3 = await apply({ entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'string' }] });
  assert.deepEqual(
    r3.newVersions.map((v) => v.version),
    [3],
  );
  assert.deepEqual(r3.newVersions[0].reasons, ['entities[0].joinKeys[0].type']);
  await s.close();
});

// A source of another kind differs in nearly every field: the reasons listed them all
// (`batchSource, source.batchSource, source.delimiter, source.path, ...`).
test('a source that changes kind is one reason, source.type: csv -> sqlite; fields stay the reasons within a kind', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const sqlite: BundleInput = { sources: [{ name: 'driver_stats', type: 'sqlite', database: 'data/stats.db', query: 'SELECT * FROM stats', timestampField: 'event_timestamp' }] };
  const r1 = await apply(sqlite, true);
  assert.deepEqual(
    r1.newVersions.map((v) => [v.featureView, v.version, v.reasons]),
    [['driver_hourly_stats', 2, ['source.type: csv -> sqlite']]],
  );
  assert.deepEqual(
    r1.updated.map((i) => [i.kind, i.changes]),
    [
      ['source', ['type: csv -> sqlite']],
      ['featureView', ['source.type: csv -> sqlite']],
    ],
  );
  await apply(sqlite);

  // To a push source reading a batch source: the batch source comes with the kind, one reason still;
  // a feature changed in the same bundle keeps its own.
  const view = clone(sampleBundle().featureViews![0]);
  view.source = 'driver_push';
  view.features[0].transforms = [{ impute: { strategy: 'mean' } }, { scale: { method: 'standard' } }];
  const push: BundleInput = {
    sources: [
      { name: 'driver_csv', type: 'csv', path: 'data/driver_stats.csv', timestampField: 'event_timestamp' },
      { name: 'driver_push', type: 'push', batchSource: 'driver_csv' },
    ],
    featureViews: [view],
  };
  assert.deepEqual((await apply(push)).newVersions[0].reasons, ['source.type: sqlite -> push', 'features[0].transforms[0].impute.strategy']);

  // The batch source's kind changes under the same push source.
  const batchKind = await apply({ sources: [{ name: 'driver_csv', type: 'jsonl', path: 'data/driver_stats.jsonl', timestampField: 'event_timestamp' }] });
  assert.deepEqual(batchKind.newVersions[0].reasons, ['batchSource.type: csv -> jsonl']);

  // Same kind: the fields that changed.
  const batchPath = await apply({ sources: [{ name: 'driver_csv', type: 'jsonl', path: 'data/other.jsonl', timestampField: 'ts' }] });
  assert.deepEqual(batchPath.newVersions[0].reasons, ['batchSource.path', 'batchSource.timestampField']);
  await s.close();
});

test('a bundle is a change set: what it leaves out stays', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const result = await apply({ featureServices: [{ name: 'other_model', features: ['driver_hourly_stats:*'] }] });
  assert.deepEqual(
    result.created.map((i) => i.name),
    ['other_model'],
  );
  const catalog = await s.catalog.get();
  assert.deepEqual([...catalog.featureServices.keys()].sort(), ['driver_model', 'other_model']);
  assert.equal(catalog.featureViews.size, 1);
  await s.close();
});

test('dry run returns the plan and writes nothing', async () => {
  const { s, apply } = await setup();
  const plan = await apply(sampleBundle(), true);
  assert.equal(plan.dryRun, true);
  assert.equal(plan.created.length, 4);
  const catalog = await s.catalog.refresh();
  assert.equal(catalog.entities.size + catalog.sources.size + catalog.featureViews.size + catalog.featureServices.size, 0);
  assert.equal(catalog.revision, 0);
  await s.close();
});

test('refit adds a version with the same definition and no fitted state', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const version = await s.catalogStore.addRefitVersion('driver_hourly_stats');
  assert.equal(version, 2);
  const view = (await s.catalog.refresh()).featureViews.get('driver_hourly_stats')!;
  assert.equal(view.versions[1].reason, 'refit');
  assert.equal(view.versions[1].fingerprint, view.versions[0].fingerprint);
  assert.equal(view.versions[1].fittedState, null);
  await s.close();
});

test('fitted state is written once per version', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  const state = { rows: 3, from: 1, to: 2, features: { conv_rate: [{ value: 1 }, { mean: 0, std: 1 }] } };
  await s.catalogStore.setFittedState('driver_hourly_stats', 1, state);
  await assert.rejects(s.catalogStore.setFittedState('driver_hourly_stats', 1, state), /already fitted/);
  assert.deepEqual((await s.catalog.refresh()).featureViews.get('driver_hourly_stats')!.versions[0].fittedState, state);
  await s.close();
});

test('delete refuses while referenced, then removes', async () => {
  const { s, apply } = await setup();
  await apply(sampleBundle());
  await assert.rejects(s.catalogStore.deleteObject('entity', 'driver'), /used by feature view 'driver_hourly_stats'/);
  await assert.rejects(s.catalogStore.deleteObject('featureView', 'driver_hourly_stats'), /used by feature service 'driver_model'/);
  await s.catalogStore.deleteObject('featureService', 'driver_model');
  await s.catalogStore.deleteObject('featureView', 'driver_hourly_stats');
  await s.catalogStore.deleteObject('entity', 'driver');
  await assert.rejects(s.catalogStore.deleteObject('entity', 'driver'), /does not exist/);
  const catalog = await s.catalog.refresh();
  assert.equal(catalog.featureViews.size, 0);
  assert.equal(catalog.entities.size, 0);
  await s.close();
});
