import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { executeRun } from '../../server/pipelines/materialize.js';
import { onlineTableOf } from '../../server/pipelines/run-plan.js';
import { RUNNER_LEASE_PREFIX } from '../../server/pipelines/runner-lease.js';
import type { RunStore } from '../../server/registry/run-store.js';
import { materializeDeps } from '../../server/services.js';
import { PUSH_STORES, forgetStorePrefixes } from '../push/push-stores.js';
import { capturedLogger } from '../support/captured-logger.js';
import { deleteOnce, deletedViewBundles, onlineDeletingAt } from '../support/deleted-view.js';
import { T0, testServices } from '../support/services.js';
import { writeFiles } from '../support/temp-dir.js';

// A view deleted after its run committed the snapshot, before the run wrote it online: the deletion
// drops the view's online table, and no row of that run may be served by a view created later under
// the same name (whose table has the same name), whatever the online store.
const { before, recreated } = deletedViewBundles({ name: 'src', type: 'csv', path: 'data/re.csv', timestampField: 'ts' });

after(forgetStorePrefixes);

// Where the deletion lands: between the commit and the online sync, between the sync's look at the
// catalog and its createTable, between the createTable and the write, or after the write.
for (const store of PUSH_STORES) {
  for (const when of ['right after the commit', 'as the online table is created', 'right before the online write', 'right before it is marked succeeded'] as const) {
    for (const [again, definition] of Object.entries(recreated)) {
      test(`${store.name}: deleted ${when}, created again with ${again}: it serves no row of the old run; the run stays failed as deleted`, { skip: store.skip }, async () => {
        const { logger, lines } = capturedLogger('debug');
        const s = await testServices({ pipelineThread: false, ...store.overrides() }, { logger });
        try {
          writeFiles(s.config.definitions, { 'data/re.csv': 'id,ts,x\n1,2026-01-01T00:00:00Z,100\n2,2026-01-02T00:00:00Z,200\n' });
          await s.applyService.apply(parseBundle(before), { dryRun: false, actor: 'test' });
          const holder = 'worker-1';
          assert.equal(await s.leases.tryAcquire(RUNNER_LEASE_PREFIX + holder, holder, 60_000), true);
          const queued = await s.runs.enqueue({ featureView: 're', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 3 }, T0);
          const claimed = await s.runs.claim(holder, T0, queued.id);
          // Deleted through the API's own connections, as in serve, where runs execute in another thread.
          const { deleteView, count } = await deleteOnce(s, s.catalog);
          const runs: RunStore = Object.create(s.runs);
          let online = s.online;
          if (when === 'right after the commit') {
            runs.commitSnapshot = async (commit, now) => {
              const id = await s.runs.commitSnapshot(commit, now);
              await deleteView();
              return id;
            };
          } else if (when === 'as the online table is created') {
            online = onlineDeletingAt(s.online, 'createTable', deleteView);
          } else if (when === 'right before the online write') {
            online = onlineDeletingAt(s.online, 'write', deleteView);
          } else {
            runs.succeed = async (id, now, steps) => {
              await deleteView();
              return s.runs.succeed(id, now, steps);
            };
          }

          const outcome = await executeRun(claimed!, { ...materializeDeps(s), runs, online, fenceLeases: s.leases });
          assert.equal(count(), 1, 'the deletion happened mid-run');
          assert.deepEqual([outcome.status, outcome.run.status, outcome.run.reason], ['failed', 'failed', 'deleted']);
          assert.deepEqual(await s.runs.get(queued.id), outcome.run);
          assert.deepEqual(
            lines.filter((l) => l.level >= 50),
            [],
          );

          // Created again, before its first run: nothing online, as a view that never ran.
          await s.applyService.apply(parseBundle(definition), { dryRun: false, actor: 'test' });
          const version = (await s.catalog.refresh()).featureViews.get('re')!.versions[0];
          const table = onlineTableOf(version)!;
          const features = table.columns.map((c) => c.name);
          assert.deepEqual(await s.online.read(table, [[1], [2]], features), [null, null]);
        } finally {
          await s.close();
        }
      });
    }
  }
}

// The deletion's drop won, but the run's own write came after it and the drop-again fails (the store
// stopped answering): the run still ends as the deletion left it, and says at error level which table
// keeps the deleted view's rows.
test('deleted right before the online write, and the drop-again fails: the run ends as deleted and logs the table left behind', async () => {
  const { logger, lines } = capturedLogger('debug');
  const s = await testServices({ pipelineThread: false }, { logger });
  try {
    writeFiles(s.config.definitions, { 'data/re.csv': 'id,ts,x\n1,2026-01-01T00:00:00Z,100\n' });
    await s.applyService.apply(parseBundle(before), { dryRun: false, actor: 'test' });
    const table = onlineTableOf((await s.catalog.refresh()).featureViews.get('re')!.versions[0])!;
    const queued = await s.runs.enqueue({ featureView: 're', version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 3 }, T0);
    const claimed = await s.runs.claim('worker-1', T0, queued.id);
    const { deleteView, count } = await deleteOnce(s, s.catalog);
    const online = onlineDeletingAt(s.online, 'write', deleteView);
    online.dropTable = async () => {
      throw new Error('connection refused');
    };

    const outcome = await executeRun(claimed!, { ...materializeDeps(s), online });
    assert.equal(count(), 1);
    assert.deepEqual([outcome.status, outcome.run.status, outcome.run.reason], ['failed', 'failed', 'deleted']);
    const errors = lines.filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, JSON.stringify(lines));
    assert.match(String(errors[0].msg), /the deleted feature view 're' was written online during its deletion and its online table \(version 1\) could not be dropped again/);
    assert.equal(errors[0].err, 'connection refused');
    // What the line warns of: the rows are still there, under the name and version a view created again gets.
    assert.deepEqual(
      (await s.online.read(table, [[1]], ['x'])).map((r) => r?.values),
      [[100]],
    );
  } finally {
    await s.close();
  }
});
