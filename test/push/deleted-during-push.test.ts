import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { TesseraError } from '../../server/errors.js';
import { onlineTableOf } from '../../server/pipelines/run-plan.js';
import type { OfflineBatcher } from '../../server/push/offline-batcher.js';
import { PushService } from '../../server/push/push-service.js';
import { CatalogCache } from '../../server/registry/catalog-cache.js';
import { deleteOnce, deletedViewBundles, onlineDeletingAt } from '../support/deleted-view.js';
import { testServices } from '../support/services.js';
import { PUSH_STORES, forgetStorePrefixes } from './push-stores.js';

// A view deleted while a push writes its rows online: the deletion drops the view's online table, and
// no pushed row may be served by a view created later under the same name (whose table has the same
// name), whatever the online store. The deletion comes from another process (its own catalog cache
// and online connection), so the push's cached catalog still shows the view.
const { before, recreated } = deletedViewBundles({ name: 'events', type: 'push' });

after(forgetStorePrefixes);

for (const store of PUSH_STORES) {
  for (const when of ['before the push', 'as the online table is created', 'right before the online write'] as const) {
    for (const [again, definition] of Object.entries(recreated)) {
      test(`${store.name}: deleted ${when}, created again with ${again}: it serves no pushed row; the push answers 409`, { skip: store.skip }, async () => {
        const s = await testServices({ pipelineThread: false, ...store.overrides() });
        try {
          await s.applyService.apply(parseBundle(before), { dryRun: false, actor: 'test' });
          // Another process's deletion: its own catalog cache and online connection.
          const { deleteView, count } = await deleteOnce(s, new CatalogCache(s.catalogStore));
          const online =
            when === 'as the online table is created'
              ? onlineDeletingAt(s.online, 'createTable', deleteView)
              : when === 'right before the online write'
                ? onlineDeletingAt(s.online, 'write', deleteView)
                : s.online;
          await s.catalog.get();
          if (when === 'before the push') await deleteView();
          const push = new PushService({ catalog: s.catalog, runs: s.runs, online, offline: null as unknown as OfflineBatcher });

          await assert.rejects(
            push.push({ push_source_name: 'events', df: { id: [1, 2], event_timestamp: ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'], x: [100, 200] } }),
            (e: unknown) => e instanceof TesseraError && e.code === 'conflict' && /'re' was deleted during the push/.test(e.message),
          );
          assert.equal(count(), 1, 'the deletion happened');

          // Created again (later, as a real one is), before any write of its own: nothing online.
          s.clock.set(s.clock.now() + 1000);
          await s.applyService.apply(parseBundle(definition), { dryRun: false, actor: 'test' });
          const version = (await s.catalog.refresh()).featureViews.get('re')!.versions[0];
          // Not materialized, so no fitted schema: the table a push to it writes (its features as they are).
          const columns = definition.featureViews![0].features.map((f) => ({ name: f.name, type: f.type }));
          const table = onlineTableOf(version) ?? { view: 're', version: version.version, keys: [{ name: 'id', type: 'int64' as const }], columns };
          const features = columns.map((c) => c.name);
          assert.deepEqual(await s.online.read(table, [[1], [2]], features), [null, null]);
        } finally {
          await s.close();
        }
      });
    }
  }
}

test('deleted right before the online write, and the drop-again fails: the push answers unavailable, naming the table left behind', async () => {
  const s = await testServices({ pipelineThread: false });
  try {
    await s.applyService.apply(parseBundle(before), { dryRun: false, actor: 'test' });
    const { deleteView, count } = await deleteOnce(s, new CatalogCache(s.catalogStore));
    const online = onlineDeletingAt(s.online, 'write', deleteView);
    online.dropTable = async () => {
      throw new Error('connection refused');
    };
    await s.catalog.get();
    const push = new PushService({ catalog: s.catalog, runs: s.runs, online, offline: null as unknown as OfflineBatcher });

    await assert.rejects(
      push.push({ push_source_name: 'events', df: { id: [1], event_timestamp: ['2026-01-01T00:00:00Z'], x: [100] } }),
      (e: unknown) =>
        e instanceof TesseraError &&
        e.code === 'unavailable' &&
        e.message.startsWith("the deleted feature view 're' was written online during its deletion and its online table (version 1) could not be dropped again") &&
        e.message.endsWith(': connection refused'),
    );
    assert.equal(count(), 1, 'the deletion happened');
  } finally {
    await s.close();
  }
});
