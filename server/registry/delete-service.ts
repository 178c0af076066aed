import type { FileStore } from '../offline/file-store.js';
import type { OnlineStore } from '../online/online-store.js';
import type { CatalogCache } from './catalog-cache.js';
import type { ObjectKind } from './catalog.js';
import type { CatalogStore } from './catalog-store.js';

/**
 * `DELETE` of a catalog object, with what it means in every store: the registry forgets the object
 * (and, for a view, its snapshots, watermarks, carry and active runs) in one transaction; then a
 * view's online tables are dropped and its offline files removed (saved datasets keep their copies).
 */
export class DeleteService {
  constructor(
    private readonly deps: {
      catalog: CatalogCache;
      store: CatalogStore;
      online: OnlineStore;
      files: FileStore;
    },
  ) {}

  async delete(kind: ObjectKind, name: string): Promise<void> {
    const { catalog, store, online, files } = this.deps;
    const before = await catalog.refresh();
    await store.deleteObject(kind, name);
    await catalog.refresh();
    if (kind !== 'featureView') return;
    for (const v of before.featureViews.get(name)?.versions ?? []) await online.dropTable(name, v.version);
    await files.remove(`offline/${name}`);
  }
}
