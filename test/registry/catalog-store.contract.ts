import assert from 'node:assert/strict';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../server/domain/bundle.js';
import { TesseraError } from '../../server/errors.js';
import type { CatalogStore } from '../../server/registry/catalog-store.js';
import { type ApplyPlan, planApply } from '../../server/registry/plan.js';
import type { RegistryBackend } from '../../server/registry/registry-backend.js';
import { clone, sampleBundle } from '../support/bundles.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;

/** Plans `bundle` over what `store` holds now (the plan carries the revision it was made from). */
export async function planOver(store: CatalogStore, bundle: BundleInput): Promise<ApplyPlan> {
  return planApply(await store.loadCatalog(), parseBundle(bundle));
}

export async function applyBundle(store: CatalogStore, bundle: BundleInput = sampleBundle()): Promise<ApplyPlan> {
  const plan = await planOver(store, bundle);
  await store.applyPlan(plan, { actor: 'test', bundle });
  return plan;
}

const isConflict = (e: unknown) => e instanceof TesseraError && e.code === 'conflict';
const isNotFound = (e: unknown) => e instanceof TesseraError && e.code === 'not_found';

/** A running run of the sample view with a committed snapshot, a watermark and ffill carry. */
async function withPipelineState(registry: RegistryBackend): Promise<{ runId: number; snapshotId: number }> {
  const run = await registry.runs.enqueue({ featureView: 'driver_hourly_stats', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T);
  await registry.runs.claim('w', T, run.id);
  const snapshotId = await registry.runs.commitSnapshot(
    {
      runId: run.id,
      featureView: 'driver_hourly_stats',
      version: 1,
      rows: 2,
      windowStart: null,
      windowEnd: T,
      minEventTs: T - 10,
      maxEventTs: T - 5,
      files: ['offline/driver_hourly_stats/v1/a.parquet'],
      stats: {},
      watermark: T,
      fittedState: null,
      carry: { conv_rate: new Map([['1', 0.5]]) },
      counts: { rowsIn: 2, rowsOut: 2, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
      steps: [],
    },
    T,
  );
  await registry.runs.succeed(run.id, T, []);
  // A second run left queued: the deletion must fail it.
  const queued = await registry.runs.enqueue({ featureView: 'driver_hourly_stats', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T + 1);
  return { runId: queued.id, snapshotId };
}

/** The catalog store contract (server/registry/catalog-store.ts), run against every registry backend. */
export function catalogStoreContract(): void {
  const suite = 'catalog store';

  registryTest(suite, 'an apply writes its whole plan, bumps the revision once, and is recorded in the history', async ({ registry }) => {
    const store = registry.catalog;
    const before = await store.revision();
    const plan = await applyBundle(store);
    assert.equal(plan.baseRevision, before);
    assert.equal(await store.revision(), before + 1);
    const catalog = await store.loadCatalog();
    assert.equal(catalog.revision, before + 1);
    assert.deepEqual([...catalog.entities.keys()], ['driver']);
    assert.deepEqual([...catalog.sources.keys()], ['driver_stats']);
    assert.deepEqual([...catalog.featureServices.keys()], ['driver_model']);
    const view = catalog.featureViews.get('driver_hourly_stats')!;
    assert.equal(view.versions.length, 1);
    const written = plan.writes.find((w) => w.kind === 'featureView')!;
    assert.ok(written.kind === 'featureView' && written.newVersion);
    assert.deepEqual(view.versions[0].definition, written.newVersion.definition);
    assert.equal(view.versions[0].fingerprint, written.newVersion.fingerprint);
    assert.equal(view.versions[0].reason, 'apply');
    assert.equal(view.versions[0].fittedState, null);
    assert.equal(typeof view.versions[0].createdAt, 'number');
    assert.deepEqual(view.spec, parseBundle(sampleBundle()).featureViews[0], 'the spec comes back as applied');
    const history = await store.applyHistory(10);
    assert.equal(history.length, 1);
    assert.equal(history[0].actor, 'test');
    assert.equal(typeof history[0].id, 'number');
    assert.deepEqual(history[0].summary, plan.summary);
  });

  registryTest(suite, 'a plan made from an older revision is refused and writes nothing; of two racing applies exactly one lands', async ({ registry, another }) => {
    const store = registry.catalog;
    await applyBundle(store);
    const first = clone(sampleBundle());
    first.entities!.push({ name: 'rider', joinKeys: ['rider_id'], valueType: 'string' });
    const second = clone(sampleBundle());
    second.entities!.push({ name: 'zone', joinKeys: ['zone_id'], valueType: 'string' });
    const stale = await planOver(store, second);
    await applyBundle(store, first);
    await assert.rejects(store.applyPlan(stale, { actor: 'test', bundle: second }), isConflict);
    assert.ok(!(await store.loadCatalog()).entities.has('zone'), 'nothing of the refused plan was written');

    // Two processes plan over the same revision and apply at once.
    const other = (await another()).catalog;
    const a = clone(sampleBundle());
    a.entities!.push({ name: 'a_entity', joinKeys: ['a_id'], valueType: 'int64' });
    const b = clone(sampleBundle());
    b.entities!.push({ name: 'b_entity', joinKeys: ['b_id'], valueType: 'int64' });
    const [planA, planB] = [await planOver(store, a), await planOver(other, b)];
    assert.equal(planA.baseRevision, planB.baseRevision);
    const results = await Promise.allSettled([store.applyPlan(planA, { actor: 'a', bundle: a }), other.applyPlan(planB, { actor: 'b', bundle: b })]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, 'exactly one apply lands');
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.ok(isConflict(refused.reason), String(refused.reason));
    const entities = (await other.loadCatalog()).entities;
    assert.equal(Number(entities.has('a_entity')) + Number(entities.has('b_entity')), 1);
  });

  registryTest(suite, 'a plan that fails midway writes nothing: no object, no history, the same revision', async ({ registry }) => {
    const store = registry.catalog;
    await applyBundle(store);
    const revision = await store.revision();
    const plan = await planOver(store, { entities: [{ name: 'fresh', joinKeys: ['fresh_id'], valueType: 'int64' }] });
    // A second write creates an entity that exists: the database refuses it after the first was written.
    const duplicate = plan.writes[0].kind === 'entity' ? { ...plan.writes[0], name: 'driver' } : null;
    assert.ok(duplicate);
    const broken: ApplyPlan = { ...plan, writes: [...plan.writes, duplicate] };
    await assert.rejects(store.applyPlan(broken, { actor: 'test', bundle: {} }));
    const catalog = await store.loadCatalog();
    assert.ok(!catalog.entities.has('fresh'));
    assert.equal(catalog.revision, revision);
    assert.equal((await store.applyHistory(10)).length, 1);
  });

  registryTest(suite, 'versions are immutable: fitted once, a second fit is refused; a refit adds N+1 unfitted; each write bumps the revision', async ({ registry }) => {
    const store = registry.catalog;
    await applyBundle(store);
    let revision = await store.revision();
    const state = { rows: 3, from: 1, to: 3, features: { conv_rate: [{ mean: 1.5 }] } };
    await store.setFittedState('driver_hourly_stats', 1, state);
    assert.equal(await store.revision(), ++revision);
    await assert.rejects(store.setFittedState('driver_hourly_stats', 1, { ...state, rows: 9 }), isConflict);
    await assert.rejects(store.setFittedState('driver_hourly_stats', 7, state), isConflict);
    assert.equal(await store.revision(), revision, 'a refused fit bumps nothing');
    const v1 = (await store.loadCatalog()).featureViews.get('driver_hourly_stats')!.versions[0];
    assert.deepEqual(v1.fittedState, state);
    assert.equal(typeof v1.fittedAt, 'number');

    assert.equal(await store.addRefitVersion('driver_hourly_stats'), 2);
    assert.equal(await store.revision(), ++revision);
    const versions = (await store.loadCatalog()).featureViews.get('driver_hourly_stats')!.versions;
    assert.deepEqual(
      versions.map((v) => [v.version, v.reason, v.fittedState === null]),
      [
        [1, 'apply', false],
        [2, 'refit', true],
      ],
    );
    assert.deepEqual(versions[1].definition, versions[0].definition);
    assert.equal(versions[1].fingerprint, versions[0].fingerprint);
    assert.deepEqual(versions[0].fittedState, state, 'version 1 is untouched');
    await assert.rejects(store.addRefitVersion('nope'), isNotFound);
  });

  registryTest(suite, 'delete: 404 for an unknown object, 409 while another uses it; deleting a view forgets its snapshots, watermarks, carry and active runs', async ({ registry }) => {
    const store = registry.catalog;
    await applyBundle(store);
    const { runId, snapshotId } = await withPipelineState(registry);
    await assert.rejects(store.deleteObject('entity', 'nope'), isNotFound);
    await assert.rejects(store.deleteObject('featureView', 'driver_hourly_stats'), (e: unknown) => isConflict(e) && /feature service 'driver_model'/.test((e as Error).message));
    await assert.rejects(store.deleteObject('entity', 'driver'), isConflict);
    assert.equal((await registry.runs.get(runId))!.status, 'queued', 'a refused delete changes nothing');

    const revision = await store.revision();
    await store.deleteObject('featureService', 'driver_model');
    await store.deleteObject('featureView', 'driver_hourly_stats');
    assert.equal(await store.revision(), revision + 2);
    const catalog = await store.loadCatalog();
    assert.ok(!catalog.featureViews.has('driver_hourly_stats'));
    assert.deepEqual(await registry.runs.snapshots('driver_hourly_stats', 1), []);
    assert.equal(await registry.runs.snapshot(snapshotId), null);
    assert.equal(await registry.runs.watermark('driver_hourly_stats', 1), null);
    assert.deepEqual(await registry.runs.carry('driver_hourly_stats', 1), {});
    const failed = (await registry.runs.get(runId))!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.reason, 'deleted');
    assert.equal(typeof failed.finishedAt, 'number');

    // The same name again starts afresh: version 1, unfitted, no snapshots, and a run can be queued.
    await applyBundle(store);
    const again = (await store.loadCatalog()).featureViews.get('driver_hourly_stats')!;
    assert.deepEqual(
      again.versions.map((v) => v.version),
      [1],
    );
    assert.equal(again.versions[0].fittedState, null);
    await registry.runs.enqueue({ featureView: 'driver_hourly_stats', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 1 }, T + 2);
  });

  registryTest(suite, 'another process sees every write; the history is newest first and limited', async ({ registry, another }) => {
    const store = registry.catalog;
    const other = (await another()).catalog;
    await applyBundle(store);
    const changed = clone(sampleBundle());
    changed.featureViews![0].description = 'second';
    await applyBundle(other, changed);
    assert.equal(await store.revision(), await other.revision());
    assert.equal((await store.loadCatalog()).featureViews.get('driver_hourly_stats')!.spec.description, 'second');
    const history = await store.applyHistory(1);
    assert.equal(history.length, 1);
    assert.deepEqual(
      history[0].summary.updated.map((u) => u.name),
      ['driver_hourly_stats'],
    );
    assert.deepEqual(
      (await store.applyHistory(10)).map((h) => h.id),
      [...(await store.applyHistory(10)).map((h) => h.id)].sort((a, b) => b - a),
    );
  });
}
