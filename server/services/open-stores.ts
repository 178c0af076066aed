import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { openOnlineStore } from '../online/open-online-store.js';
import type { OnlineStore } from '../online/online-store.js';
import { unopenedOnlineStore } from '../online/unopened-online-store.js';
import { CatalogCache } from '../registry/catalog-cache.js';
import { openRegistry } from '../registry/open-registry.js';
import type { RegistryBackend } from '../registry/registry-backend.js';

/** A process's stores, open, with the catalog loaded: what every other service is built on. */
export interface OpenStores {
  online: OnlineStore;
  registry: RegistryBackend;
  catalog: CatalogCache;
}

/**
 * Opens the online store and the registry (each closed again when the other, or the first catalog load,
 * fails) and loads the catalog. `online: false` opens no online store (`ServiceOptions.online`).
 */
export async function openStores(config: Config, clock: Clock, options: { online?: boolean }): Promise<OpenStores> {
  // A remote store opens first: a wrong or unreachable URL must fail the start before an embedded store creates
  // files in the data dir.
  const openOnline = async () => (options.online === false ? unopenedOnlineStore() : openOnlineStore({ dataDir: config.dataDir, onlineUrl: config.onlineUrl }));
  const openReg = () => openRegistry({ dataDir: config.dataDir, clock, registryUrl: config.registryUrl, timeoutMs: config.registryTimeoutMs });
  const onlineFirst = options.online !== false && config.onlineUrl !== undefined && config.onlineUrl !== null && config.onlineUrl !== '';
  let online: OnlineStore;
  let registry: RegistryBackend;
  if (onlineFirst) [online, registry] = await openBoth(openOnline, openReg);
  else [registry, online] = await openBoth(openReg, openOnline);
  const catalog = new CatalogCache(registry.catalog);
  try {
    await catalog.refresh();
  } catch (e) {
    await online.close();
    await registry.close();
    throw e;
  }
  return { online, registry, catalog };
}

/** Opens `first`, then `second`; when `second` fails, `first` is closed again before the error goes on. */
async function openBoth<A extends { close(): Promise<void> }, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  const a = await first();
  try {
    return [a, await second()];
  } catch (e) {
    await a.close();
    throw e;
  }
}
