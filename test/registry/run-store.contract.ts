import assert from 'node:assert/strict';
import type { NewRun, RunRecord } from '../../server/domain/run.js';
import type { SnapshotCommit } from '../../server/domain/snapshot.js';
import { TesseraError } from '../../server/errors.js';
import { LeaseLostError } from '../../server/registry/commit-rules.js';
import type { RegistryBackend } from '../../server/registry/registry-backend.js';
import { clone, sampleBundle } from '../support/bundles.js';
import { applyBundle } from './catalog-store.contract.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;
const MINUTE = 60_000;
const VIEW = 'driver_hourly_stats';
const isConflict = (e: unknown) => e instanceof TesseraError && e.code === 'conflict';

const newRun = (over: Partial<NewRun> = {}): NewRun => ({ featureView: VIEW, version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 3, ...over });

function commitOf(run: RunRecord, over: Partial<SnapshotCommit> = {}): SnapshotCommit {
  return {
    runId: run.id,
    featureView: run.featureView,
    version: run.version,
    rows: 4,
    windowStart: null,
    windowEnd: T,
    minEventTs: T - 100,
    maxEventTs: T - 1,
    files: [`offline/${run.featureView}/v${run.version}/date=2027-01-15/${run.id}-0.parquet`],
    stats: { conv_rate: { count: 4, nulls: 1, min: 0.1, max: 0.9, mean: 0.5, std: 0.2, distinct: 3, top: [], histogram: null } },
    watermark: T,
    fittedState: null,
    carry: {},
    counts: { rowsIn: 5, rowsOut: 4, rowsRejected: 1, rejectsByReason: { not_a_number: 1 }, rejectsFile: 'rejects/x.jsonl' },
    steps: [{ name: 'read', ms: 3 }],
    ...over,
  };
}

/** The catalog with the sample view and nine more views (view_1 .. view_9) of the same shape. */
async function withViews(registry: RegistryBackend): Promise<void> {
  const bundle = clone(sampleBundle());
  for (let i = 1; i <= 9; i++) bundle.featureViews!.push({ ...clone(bundle.featureViews![0]), name: `view_${i}` });
  await applyBundle(registry.catalog, bundle);
}

/** The run store contract (server/registry/run-store.ts), run against every registry backend. */
export function runStoreContract(): void {
  const suite = 'run store';

  registryTest(suite, 'enqueue records the run; a second active run of the view is a conflict until the first ends', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const run = await runs.enqueue(newRun({ start: T - 1000, end: T - 10 }), T);
    assert.deepEqual(run, {
      id: run.id,
      featureView: VIEW,
      version: 1,
      status: 'queued',
      trigger: 'manual',
      reason: null,
      error: null,
      start: T - 1000,
      end: T - 10,
      windowStart: null,
      windowEnd: null,
      attempt: 1,
      maxAttempts: 3,
      notBefore: 0,
      holder: null,
      createdAt: T,
      startedAt: null,
      finishedAt: null,
      rowsIn: 0,
      rowsOut: 0,
      rowsRejected: 0,
      rejectsByReason: {},
      rejectsFile: null,
      snapshotId: null,
      steps: [],
    });
    assert.equal(typeof run.id, 'number');
    assert.deepEqual(await runs.get(run.id), run);
    await assert.rejects(runs.enqueue(newRun(), T + 1), (e: unknown) => isConflict(e) && (e as TesseraError).errors[0].path === 'name');
    const other = await runs.enqueue(newRun({ featureView: 'view_1' }), T + 1);
    assert.notEqual(other.id, run.id);
    await runs.claim('w', T + 2, run.id);
    await assert.rejects(runs.enqueue(newRun(), T + 3), isConflict, 'a running run blocks too');
    await runs.succeed(run.id, T + 4, []);
    const next = await runs.enqueue(newRun(), T + 5);
    assert.ok(next.id > run.id);
  });

  registryTest(suite, 'two processes enqueueing one view at once: exactly one run is queued', async ({ registry, another }) => {
    await withViews(registry);
    const other = await another();
    const results = await Promise.allSettled([registry.runs.enqueue(newRun(), T), other.runs.enqueue(newRun(), T), registry.runs.enqueue(newRun(), T), other.runs.enqueue(newRun(), T)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    assert.equal((await registry.runs.list({ featureView: VIEW, limit: 10 })).length, 1);
  });

  registryTest(suite, 'enqueueAll queues every run or none: one view with an active run (or listed twice) refuses them all, naming its field', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const all = await runs.enqueueAll([newRun({ featureView: 'view_2' }), newRun({ featureView: 'view_1', start: T - 1000, end: T - 10 })], T);
    assert.deepEqual(
      all.map((r) => [r.featureView, r.status, r.start, r.end, r.createdAt]),
      [
        ['view_2', 'queued', null, null, T],
        ['view_1', 'queued', T - 1000, T - 10, T],
      ],
    );
    assert.deepEqual(await Promise.all(all.map((r) => runs.get(r.id))), all);
    const before = await runs.list({ limit: 20 });
    const refused = (e: unknown, path: string, message: RegExp) => isConflict(e) && (e as TesseraError).errors[0].path === path && message.test((e as TesseraError).errors[0].message);
    const three = [newRun({ featureView: 'view_3' }), newRun({ featureView: 'view_1' }), newRun({ featureView: 'view_4' })];
    await assert.rejects(runs.enqueueAll(three, T + 1, ['views[0]', 'views[1]', 'views[2]']), (e) => refused(e, 'views[1]', new RegExp(`^run ${all[1].id} is queued$`)));
    await assert.rejects(runs.enqueueAll(three, T + 1), (e) => refused(e, 'name', /is queued$/));
    await runs.claim('w', T + 2, all[1].id);
    await assert.rejects(runs.enqueueAll(three, T + 3, ['a', 'b', 'c']), (e) => refused(e, 'b', /is running$/), 'a running run blocks too');
    await assert.rejects(runs.enqueueAll([newRun({ featureView: 'view_5' }), newRun({ featureView: 'view_5' })], T + 4, ['x', 'y']), (e) => refused(e, 'y', /is queued$/), 'listed twice');
    const running = { ...all[1], status: 'running', holder: 'w', startedAt: T + 2 };
    assert.deepEqual(
      await runs.list({ limit: 20 }),
      before.map((r) => (r.id === running.id ? running : r)),
      'view_3, view_4 and view_5 got no run',
    );
    assert.deepEqual(await runs.enqueueAll([], T + 5), []);
  });

  registryTest(suite, 'two processes enqueueing overlapping views at once: exactly one queues all of its runs, the others none', async ({ registry, another }) => {
    await withViews(registry);
    const other = await another();
    // Opposite orders: each takes a view the other wants before reaching the shared one.
    const batches = [
      { store: registry.runs, views: ['view_1', 'view_2', 'view_3'] },
      { store: other.runs, views: ['view_4', 'view_3', 'view_1'] },
      { store: registry.runs, views: ['view_5', 'view_2'] },
      { store: other.runs, views: ['view_6', 'view_2', 'view_4'] },
    ];
    const results = await Promise.allSettled(
      batches.map((b) =>
        b.store.enqueueAll(
          b.views.map((v) => newRun({ featureView: v })),
          T,
        ),
      ),
    );
    for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    const queued = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.map((run) => run.featureView) : []));
    assert.ok(queued.length > 0, 'one batch at least wins');
    assert.deepEqual((await registry.runs.list({ limit: 20 })).map((r) => r.featureView).sort(), [...queued].sort(), 'only the runs of the batches that won');
    assert.equal(new Set(queued).size, queued.length, 'a view never gets two runs');
  });

  registryTest(suite, 'claim takes the due run first in (notBefore, id) order, or the one asked for; never one not yet due', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const a = await runs.enqueue(newRun({ featureView: 'view_1' }), T);
    const b = await runs.enqueue(newRun({ featureView: 'view_2' }), T);
    const c = await runs.enqueue(newRun({ featureView: 'view_3' }), T);
    // a failed attempt of a, due later than b and c
    await runs.claim('w', T, a.id);
    await runs.requeue(a.id, T + 500, 'source timed out');
    const requeued = (await runs.get(a.id))!;
    assert.deepEqual([requeued.status, requeued.attempt, requeued.notBefore, requeued.holder, requeued.error], ['queued', 2, T + 500, null, 'source timed out']);
    const first = (await runs.claim('w1', T + 10))!;
    assert.deepEqual([first.id, first.status, first.holder, first.startedAt], [b.id, 'running', 'w1', T + 10]);
    assert.equal((await runs.claim('w2', T + 10, c.id))!.id, c.id);
    assert.equal(await runs.claim('w1', T + 10), null, 'a is not due yet');
    assert.equal(await runs.claim('w1', T + 10, b.id), null, 'b is running already');
    assert.equal((await runs.claim('w1', T + 500))!.id, a.id);
  });

  registryTest(suite, 'claimers in two processes racing over twenty runs: each run is claimed exactly once', async ({ registry, another }) => {
    await withViews(registry);
    const other = await another();
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) ids.push((await registry.runs.enqueue(newRun({ featureView: i === 0 ? VIEW : `view_${i}` }), T)).id);
    const drain = async (r: RegistryBackend, holder: string) => {
      const got: number[] = [];
      for (;;) {
        const run = await r.runs.claim(holder, T);
        if (!run) return got;
        got.push(run.id);
      }
    };
    const claimed = (await Promise.all([drain(registry, 'a'), drain(other, 'b'), drain(registry, 'c'), drain(other, 'd')])).flat();
    assert.deepEqual(
      claimed.sort((x, y) => x - y),
      ids,
    );
  });

  registryTest(suite, 'a commit writes snapshot, watermark, fitted state, carry and counters at once; the watermark only moves forward', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const revision = await registry.catalog.revision();
    const run = await runs.enqueue(newRun(), T);
    await runs.claim('w', T, run.id);
    const fittedState = { rows: 4, from: T - 100, to: T - 1, features: { conv_rate: [{ median: 0.5 }] } };
    const carry = {
      conv_rate: new Map<string, number | string>([
        ['1', 0.25],
        ['007', 'x'],
      ]),
      car_type: new Map<string, number | string>([['2', '7']]),
    };
    const commit = commitOf(run, { fittedState, carry });
    const id = await runs.commitSnapshot(commit, T + 20);
    assert.equal(typeof id, 'number');
    assert.equal(await registry.catalog.revision(), revision + 1, 'the fit bumps the catalog revision');
    assert.deepEqual((await registry.catalog.loadCatalog()).featureViews.get(VIEW)!.versions[0].fittedState, fittedState);
    const snapshot = {
      id,
      featureView: VIEW,
      version: 1,
      runId: run.id,
      rows: 4,
      windowStart: null,
      windowEnd: T,
      watermark: T,
      minEventTs: T - 100,
      maxEventTs: T - 1,
      files: commit.files,
      stats: commit.stats,
      onlineSynced: false,
      committedAt: T + 20,
      replacedBy: null,
    };
    assert.deepEqual(await runs.snapshot(id), snapshot);
    assert.deepEqual(await runs.snapshots(VIEW, 1), [snapshot]);
    assert.equal(await runs.watermark(VIEW, 1), T);
    const stored = await runs.carry(VIEW, 1);
    assert.deepEqual(stored, carry, "carried values keep their types: '007' and '7' stay text, 0.25 a number");
    const after = (await runs.get(run.id))!;
    assert.deepEqual(
      [after.snapshotId, after.rowsIn, after.rowsOut, after.rowsRejected, after.rejectsByReason, after.rejectsFile, after.steps, after.windowEnd],
      [id, 5, 4, 1, { not_a_number: 1 }, 'rejects/x.jsonl', [{ name: 'read', ms: 3 }], T],
    );
    await runs.markOnlineSynced([id]);
    assert.equal((await runs.snapshot(id))!.onlineSynced, true);
    await runs.succeed(run.id, T + 30, [{ name: 'online', ms: 1 }]);
    const done = (await runs.get(run.id))!;
    assert.deepEqual([done.status, done.finishedAt, done.steps], ['succeeded', T + 30, [{ name: 'online', ms: 1 }]]);

    // A backfill of an older window commits with an older watermark: the stored one stays.
    const backfill = await runs.enqueue(newRun({ start: T - 5000, end: T - 4000 }), T + 40);
    await runs.claim('w', T + 40, backfill.id);
    const carry2 = { conv_rate: new Map<string, number | string>([['1', 0.75]]) };
    const second = await runs.commitSnapshot(commitOf(backfill, { watermark: T - 4000, windowStart: T - 5000, windowEnd: T - 4000, carry: carry2 }), T + 50);
    assert.equal(await runs.watermark(VIEW, 1), T);
    assert.deepEqual(
      (await runs.snapshots(VIEW, 1)).map((s) => s.id),
      [id, second],
    );
    assert.deepEqual(
      (await runs.carry(VIEW, 1)).conv_rate,
      new Map<string, number | string>([
        ['1', 0.75],
        ['007', 'x'],
      ]),
      'carry is upserted per key',
    );
  });

  registryTest(suite, "a fenced commit happens only while the run is its holder's and the holder holds the lease at the same epoch", async ({ registry, another }) => {
    await withViews(registry);
    const runs = registry.runs;
    const leases = (await another()).leases;
    const run = await runs.enqueue(newRun(), T);
    await runs.claim('w', T, run.id);
    assert.equal(await leases.tryAcquire('runner:w', 'w', MINUTE), true);
    const epoch = (await leases.epoch('runner:w', 'w'))!;
    const fence = { lease: 'runner:w', holder: 'w', epoch };
    const lost = (e: unknown) => e instanceof LeaseLostError && e.code === 'conflict';
    await assert.rejects(runs.commitSnapshot(commitOf(run, { fence: { ...fence, epoch: epoch - 1 } }), T + 1), lost, 'another epoch');
    assert.equal(await leases.tryAcquire('runner:x', 'x', MINUTE), true);
    const xFence = { lease: 'runner:x', holder: 'x', epoch: (await leases.epoch('runner:x', 'x'))! };
    await assert.rejects(runs.commitSnapshot(commitOf(run, { fence: xFence }), T + 1), /x no longer holds the run \(it was taken over by w\)/, 'x holds its lease, not the run');
    await leases.release('runner:w', 'w');
    await assert.rejects(runs.commitSnapshot(commitOf(run, { fence }), T + 1), /w lost its lease 'runner:w'/, 'the lease is gone');
    assert.deepEqual(await runs.snapshots(VIEW, 1), [], 'nothing was committed');
    assert.equal(await runs.watermark(VIEW, 1), null);
    // Held again, a new epoch: the old fence still fails; the new one commits.
    assert.equal(await leases.tryAcquire('runner:w', 'w', MINUTE), true);
    const renewed = (await leases.epoch('runner:w', 'w'))!;
    if (renewed !== epoch) await assert.rejects(runs.commitSnapshot(commitOf(run, { fence }), T + 2), lost, 'the old epoch');
    const id = await runs.commitSnapshot(commitOf(run, { fence: { ...fence, epoch: renewed } }), T + 2);
    assert.deepEqual(
      (await runs.snapshots(VIEW, 1)).map((s) => s.id),
      [id],
    );
    // A failure on behalf of a holder leaves a run it no longer holds alone.
    const other = await runs.enqueue(newRun({ featureView: 'view_1' }), T + 3);
    await runs.claim('v', T + 3, other.id);
    await runs.fail(other.id, 'lease_lost', 'x', T + 4, {}, 'w');
    assert.equal((await runs.get(other.id))?.status, 'running');
    await runs.fail(other.id, 'lease_lost', 'x', T + 4, {}, 'v');
    assert.deepEqual([(await runs.get(other.id))?.status, (await runs.get(other.id))?.reason], ['failed', 'lease_lost']);
  });

  registryTest(suite, 'enqueueRefit adds the refit version and queues its run, both or neither', async ({ registry }) => {
    await withViews(registry);
    const { runs, catalog } = registry;
    const refit = { featureView: 'view_1', trigger: 'refit' as const, start: null, end: null, maxAttempts: 2 };
    const active = await runs.enqueue(newRun({ featureView: 'view_1' }), T);
    const revision = await catalog.revision();
    const refused = await runs.enqueueRefit(refit, T + 1).then(
      () => assert.fail('queued beside an active run'),
      (e: unknown) => e,
    );
    assert.ok(isConflict(refused), String(refused));
    assert.deepEqual(
      (refused as TesseraError).errors.map((f) => [f.path, f.message]),
      [['name', `run ${active.id} is queued`]],
    );
    assert.equal(await catalog.revision(), revision, 'no version was added');
    assert.deepEqual(
      (await catalog.loadCatalog()).featureViews.get('view_1')!.versions.map((v) => v.version),
      [1],
    );

    await runs.fail(active.id, 'internal', 'x', T + 2);
    const run = await runs.enqueueRefit(refit, T + 3);
    assert.deepEqual([run.featureView, run.version, run.status, run.trigger, run.maxAttempts, run.createdAt], ['view_1', 2, 'queued', 'refit', 2, T + 3]);
    const versions = (await catalog.loadCatalog()).featureViews.get('view_1')!.versions;
    assert.deepEqual(
      versions.map((v) => [v.version, v.reason, v.fittedState]),
      [
        [1, 'apply', null],
        [2, 'refit', null],
      ],
    );
    assert.equal(await catalog.revision(), revision + 1);
    await assert.rejects(runs.enqueueRefit(refit, T + 4), isConflict, 'its own run is active now');
    await assert.rejects(runs.enqueueRefit({ ...refit, featureView: 'nope' }, T + 4), (e: unknown) => e instanceof TesseraError && e.code === 'not_found');
    assert.deepEqual(
      (await runs.list({ limit: 10 })).map((r) => [r.featureView, r.version, r.status]),
      [
        ['view_1', 2, 'queued'],
        ['view_1', 1, 'failed'],
      ],
    );
  });

  registryTest(suite, 'a fenced commit of a run whose view was deleted is refused as deleted, not as taken over', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const run = await runs.enqueue(newRun({ featureView: 'view_1' }), T);
    await runs.claim('w', T, run.id);
    assert.equal(await registry.leases.tryAcquire('runner:w', 'w', MINUTE), true);
    const fence = { lease: 'runner:w', holder: 'w', epoch: (await registry.leases.epoch('runner:w', 'w'))! };
    await registry.catalog.deleteObject('featureView', 'view_1');
    const refused = await runs.commitSnapshot(commitOf(run, { fence }), T + 1).then(
      () => assert.fail('committed a run of a deleted view'),
      (e: unknown) => e,
    );
    assert.ok(isConflict(refused), String(refused));
    assert.equal((refused as Error).message, "feature view 'view_1' was deleted during the run: its snapshot is not committed");
    assert.deepEqual(await runs.snapshots('view_1', 1), []);
  });

  registryTest(suite, 'a commit is refused, and writes nothing, for a run not running, a run that committed already, or a version fitted already', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const queued = await runs.enqueue(newRun(), T);
    await assert.rejects(runs.commitSnapshot(commitOf(queued), T), isConflict, 'a queued run commits nothing');
    await runs.claim('w', T, queued.id);
    const fitted = { rows: 1, from: 1, to: 1, features: {} };
    await runs.commitSnapshot(commitOf(queued, { fittedState: fitted }), T + 1);
    await assert.rejects(runs.commitSnapshot(commitOf(queued), T + 2), isConflict, 'a run commits one snapshot');
    await runs.fail(queued.id, 'internal', 'x', T + 3);

    const again = await runs.enqueue(newRun(), T + 4);
    await runs.claim('w', T + 4, again.id);
    const revision = await registry.catalog.revision();
    await assert.rejects(runs.commitSnapshot(commitOf(again, { fittedState: fitted, watermark: T + 999, carry: { conv_rate: new Map([['9', 1]]) } }), T + 5), isConflict);
    assert.equal((await runs.snapshots(VIEW, 1)).length, 1, 'no second snapshot');
    assert.equal(await runs.watermark(VIEW, 1), T, 'the watermark did not move');
    assert.deepEqual(await runs.carry(VIEW, 1), {}, 'no carry');
    assert.equal((await runs.get(again.id))!.snapshotId, null);
    assert.equal(await registry.catalog.revision(), revision);
  });

  registryTest(suite, 'fail keeps what the run did; succeed only ends a running run; list filters newest first', async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const a = await runs.enqueue(newRun({ featureView: 'view_1' }), T);
    await runs.claim('w', T, a.id);
    await runs.fail(a.id, 'source_error', 'file missing', T + 5, { rowsIn: 7, rowsRejected: 2, rejectsByReason: { bad: 2 }, rejectsFile: 'r.jsonl', steps: [{ name: 'read', ms: 1 }] });
    const failed = (await runs.get(a.id))!;
    assert.deepEqual(
      [failed.status, failed.reason, failed.error, failed.finishedAt, failed.rowsIn, failed.rowsRejected, failed.rejectsByReason, failed.rejectsFile, failed.steps],
      ['failed', 'source_error', 'file missing', T + 5, 7, 2, { bad: 2 }, 'r.jsonl', [{ name: 'read', ms: 1 }]],
    );
    await runs.succeed(a.id, T + 6, []);
    assert.equal((await runs.get(a.id))!.status, 'failed', 'a failed run stays failed');
    const b = await runs.enqueue(newRun({ featureView: 'view_1' }), T + 7);
    const c = await runs.enqueue(newRun({ featureView: 'view_2' }), T + 8);
    assert.deepEqual(
      (await runs.list({ limit: 10 })).map((r) => r.id),
      [c.id, b.id, a.id],
    );
    assert.deepEqual(
      (await runs.list({ featureView: 'view_1', limit: 10 })).map((r) => r.id),
      [b.id, a.id],
    );
    assert.deepEqual(
      (await runs.list({ status: 'failed', limit: 10 })).map((r) => r.id),
      [a.id],
    );
    assert.deepEqual(
      (await runs.list({ limit: 1, beforeId: c.id })).map((r) => r.id),
      [b.id],
    );
    assert.equal(await runs.get(999_999), null);
  });

  registryTest(suite, 'adoptOrphans hands the running runs of holders that are gone, and only those, to the recovering holder, once', async ({ registry, another }) => {
    await withViews(registry);
    const runs = registry.runs;
    const mine = await runs.enqueue(newRun({ featureView: 'view_1' }), T);
    const theirs = await runs.enqueue(newRun({ featureView: 'view_2' }), T);
    const waiting = await runs.enqueue(newRun({ featureView: 'view_3' }), T);
    const alive = await runs.enqueue(newRun({ featureView: 'view_4' }), T);
    await runs.claim('me', T, mine.id);
    await runs.claim('gone', T, theirs.id);
    await runs.claim('other-worker', T, alive.id);
    const adopted = await runs.adoptOrphans(['other-worker'], 'me');
    assert.deepEqual(
      adopted.map((r) => [r.id, r.status, r.holder]),
      [[theirs.id, 'running', 'gone']],
    );
    const now = await Promise.all([mine, theirs, waiting, alive].map(async (r) => [(await runs.get(r.id))!.status, (await runs.get(r.id))!.holder]));
    assert.deepEqual(now, [
      ['running', 'me'],
      ['running', 'me'],
      ['queued', null],
      ['running', 'other-worker'],
    ]);
    // Adopted once: another recoverer finds nothing of the dead holder's left.
    assert.deepEqual(await (await another()).runs.adoptOrphans(['me', 'other-worker'], 'someone-else'), []);
    // Taken over: queued again, a new attempt, due now, for any worker to claim.
    await runs.requeue(theirs.id, T + 9, 'taken over');
    const retaken = await runs.claim('third', T + 9, theirs.id);
    assert.deepEqual([retaken!.id, retaken!.attempt, retaken!.holder], [theirs.id, 2, 'third']);
  });

  registryTest(suite, 'replaceSnapshots puts one snapshot in place of contiguous live ones, atomically, and never twice', async ({ registry, another }) => {
    await withViews(registry);
    const runs = registry.runs;
    // Five snapshots of a version: four incremental runs, then one more.
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const run = await runs.enqueue(newRun(), T + i);
      await runs.claim('w', T + i, run.id);
      ids.push(await runs.commitSnapshot(commitOf(run, { rows: 10 + i, minEventTs: T + i * 10, maxEventTs: T + i * 10 + 9, windowEnd: T + i * 10 + 9, watermark: T + i * 10 + 9 }), T + i));
      await runs.succeed(run.id, T + i, []);
    }
    await runs.markOnlineSynced(ids);
    // A compaction never counts as the view's active run: a materialization may start beside it.
    const compaction = await runs.beginSideRun(VIEW, 1, 'compaction', 'leader', T + 100);
    assert.deepEqual([compaction.status, compaction.trigger, compaction.holder], ['running', 'compaction', 'leader']);
    const beside = await runs.enqueue(newRun(), T + 101);
    assert.equal(beside.status, 'queued');
    const merged = {
      runId: compaction.id,
      featureView: VIEW,
      version: 1,
      replaced: ids.slice(1, 4),
      rows: 36,
      minEventTs: T + 10,
      maxEventTs: T + 39,
      files: [`offline/${VIEW}/v1/run=${compaction.id}/part-0.parquet`],
      stats: {},
      steps: [{ name: 'merge', ms: 5 }],
    };
    // Not contiguous (skips one), unknown, or of another version: refused, nothing changes.
    for (const replaced of [[ids[1], ids[3]], [ids[4], ids[3]], [999_999]]) {
      await assert.rejects(runs.replaceSnapshots({ ...merged, replaced }, T + 102), isConflict);
    }
    await assert.rejects(runs.replaceSnapshots({ ...merged, version: 2 }, T + 102), isConflict);
    assert.deepEqual(
      (await runs.snapshots(VIEW, 1)).map((x) => x.id),
      ids,
    );
    const id = await runs.replaceSnapshots(merged, T + 103);
    // In the version's order, the new snapshot stands where the replaced ones stood; readers in any process see it.
    for (const r of [registry, await another()]) {
      const live = await r.runs.snapshots(VIEW, 1);
      assert.deepEqual(
        live.map((x) => x.id),
        [ids[0], id, ids[4]],
      );
      assert.deepEqual(
        [live[1].rows, live[1].files, live[1].minEventTs, live[1].maxEventTs, live[1].onlineSynced, live[1].watermark, live[1].replacedBy, live[1].runId],
        [36, merged.files, T + 10, T + 39, true, null, null, compaction.id],
      );
    }
    const all = await runs.snapshots(VIEW, 1, { retired: true });
    assert.deepEqual(
      all.map((x) => [x.id, x.replacedBy]),
      [
        [ids[0], null],
        [ids[1], id],
        [ids[2], id],
        [ids[3], id],
        [id, null],
        [ids[4], null],
      ],
    );
    assert.equal((await runs.snapshot(ids[2]))!.replacedBy, id);
    assert.deepEqual([(await runs.get(compaction.id))!.snapshotId, (await runs.get(compaction.id))!.rowsOut], [id, 36]);
    // Never twice: not by the same compaction, not by another over a retired snapshot.
    await assert.rejects(runs.replaceSnapshots(merged, T + 104), isConflict);
    const second = await runs.beginSideRun(VIEW, 1, 'compaction', 'leader', T + 105);
    await assert.rejects(runs.replaceSnapshots({ ...merged, runId: second.id, replaced: [ids[3], ids[4]] }, T + 106), isConflict);
    // A compaction interrupted by a crash cannot commit afterwards.
    for (const orphan of await runs.adoptOrphans([], 'next-leader')) await runs.fail(orphan.id, 'interrupted', 'its process died', T + 107);
    await assert.rejects(runs.replaceSnapshots({ ...merged, runId: second.id, replaced: [id, ids[4]] }, T + 108), isConflict);
    // Retired snapshots are listed for file removal once retired long enough, until marked.
    assert.deepEqual(await runs.retiredSnapshots(T + 102), []);
    assert.deepEqual(
      (await runs.retiredSnapshots(T + 103)).map((x) => x.id),
      ids.slice(1, 4),
    );
    await runs.markFilesRemoved([ids[1], ids[2]]);
    assert.deepEqual(
      (await runs.retiredSnapshots(T + 200)).map((x) => x.id),
      [ids[3]],
    );
  });

  registryTest(suite, "a push's side run: beside a materialization either way, commits its snapshot with counts, never moves the watermark", async ({ registry }) => {
    await withViews(registry);
    const runs = registry.runs;
    const active = await runs.enqueue(newRun(), T);
    await runs.claim('w', T, active.id);
    const push = await runs.beginSideRun(VIEW, 1, 'push', 'api-1', T + 1);
    const another = await runs.beginSideRun(VIEW, 1, 'push', 'api-2', T + 1);
    assert.deepEqual([push.status, push.trigger, push.holder, push.maxAttempts], ['running', 'push', 'api-1', 1]);
    assert.notEqual(push.id, another.id);
    // The materialization still counts as the view's one active run.
    await assert.rejects(runs.enqueue(newRun(), T + 2), isConflict);
    await runs.succeed(active.id, T + 2, []);
    // With only pushes running, a materialization may be queued.
    const next = await runs.enqueue(newRun(), T + 3);
    assert.equal(next.status, 'queued');
    const id = await runs.commitSnapshot(
      commitOf(push, {
        watermark: null,
        rows: 3,
        counts: { rowsIn: 3, rowsOut: 3, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
        files: [`offline/${VIEW}/v1/run=${push.id}/part-0.parquet`],
      }),
      T + 4,
    );
    await runs.succeed(push.id, T + 4, [{ name: 'write', ms: 1 }]);
    const done = (await runs.get(push.id))!;
    assert.deepEqual([done.status, done.trigger, done.rowsIn, done.rowsOut, done.snapshotId], ['succeeded', 'push', 3, 3, id]);
    assert.equal(await runs.watermark(VIEW, 1), null);
    assert.deepEqual(
      (await runs.list({ featureView: VIEW, limit: 10 })).map((r) => [r.id, r.trigger, r.status]),
      [
        [next.id, 'manual', 'queued'],
        [another.id, 'push', 'running'],
        [push.id, 'push', 'succeeded'],
        [active.id, 'manual', 'succeeded'],
      ],
    );
  });
}
