import type { BundleInput } from '../../server/domain/bundle.js';
import type { OnlineStore } from '../../server/online/online-store.js';
import { openOnlineStore } from '../../server/online/open-online-store.js';
import type { CatalogCache } from '../../server/registry/catalog-cache.js';
import { DeleteService } from '../../server/registry/delete-service.js';
import type { testServices } from './services.js';

type Services = Awaited<ReturnType<typeof testServices>>;
type Feature = { name: string; type: 'float64' | 'string' };

/**
 * View `re` on `source` (whose definition the bundle also carries), as first applied, and the two ways
 * it is created again after its deletion: the same definition, and one with another feature (a
 * stale table would then miss its column).
 */
export function deletedViewBundles(source: NonNullable<BundleInput['sources']>[number]): { before: BundleInput; recreated: Record<string, BundleInput> } {
  const bundle = (features: Feature[]): BundleInput => ({
    entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
    sources: [source],
    featureViews: [{ name: 're', entities: ['thing'], source: source.name, features }],
  });
  const before = bundle([{ name: 'x', type: 'float64' }]);
  return {
    before,
    recreated: {
      'the same definition': before,
      'another definition': bundle([
        { name: 'x', type: 'float64' },
        { name: 'y', type: 'string' },
      ]),
    },
  };
}

/**
 * Deletes view `re` once, however often it is called, through its own online connection and `catalog`
 * (as the API does in serve, beside the thread or process under test); `count()` says how often it
 * was asked.
 */
export async function deleteOnce(s: Services, catalog: CatalogCache): Promise<{ deleteView: () => Promise<void>; count: () => number }> {
  const apiOnline = await openOnlineStore({ dataDir: s.config.dataDir, onlineUrl: s.config.onlineUrl });
  const api = new DeleteService({ catalog, store: s.catalogStore, online: apiOnline, files: s.files });
  let asked = 0;
  return {
    deleteView: async () => {
      if (asked++ === 0) await api.delete('featureView', 're').finally(() => apiOnline.close());
    },
    count: () => asked,
  };
}

/** `online` that runs `deleteView` first when it creates the table, or when it writes. */
export function onlineDeletingAt(online: OnlineStore, at: 'createTable' | 'write', deleteView: () => Promise<void>): OnlineStore {
  const hooked: OnlineStore = Object.create(online);
  if (at === 'createTable') {
    hooked.createTable = async (table) => {
      await deleteView();
      return online.createTable(table);
    };
  } else {
    hooked.write = async (table, rows) => {
      await deleteView();
      return online.write(table, rows);
    };
  }
  return hooked;
}
