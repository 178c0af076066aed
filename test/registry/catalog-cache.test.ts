import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Catalog } from '../../server/registry/catalog.js';
import { CatalogCache } from '../../server/registry/catalog-cache.js';
import type { CatalogStore } from '../../server/registry/catalog-store.js';

/** A store whose revision another writer (a worker thread, another process) moves behind the cache's back. */
function fakeStore() {
  let revision = 1;
  const calls = { loads: 0, revisions: 0 };
  const catalog = (): Catalog =>
    ({ revision, entities: new Map(), sources: new Map(), featureViews: new Map(), featureServices: new Map(), alerts: new Map(), webhooks: new Map(), monitors: new Map() }) as Catalog;
  const store = {
    loadCatalog: async () => {
      calls.loads++;
      return catalog();
    },
    revision: async () => {
      calls.revisions++;
      return revision;
    },
  } as unknown as CatalogStore;
  return { store, calls, write: () => revision++ };
}

test('latest() sees another writer at once and reloads only when the revision moved; get() keeps the cached catalog', async () => {
  const { store, calls, write } = fakeStore();
  const cache = new CatalogCache(store);
  assert.equal((await cache.latest()).revision, 1);
  assert.equal(calls.loads, 1);
  assert.equal((await cache.latest()).revision, 1);
  assert.deepEqual(calls, { loads: 1, revisions: 1 }, 'an unchanged revision reuses the cached catalog');
  write();
  assert.equal((await cache.get()).revision, 1, 'get() is the cache, for hot paths');
  assert.equal((await cache.latest()).revision, 2);
  assert.equal(calls.loads, 2);
  assert.equal((await cache.get()).revision, 2, 'and the reload is what get() answers next');
});
