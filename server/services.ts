import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { ApplyService } from './registry/apply-service.js';
import { CatalogCache } from './registry/catalog-cache.js';
import { openRegistryDb } from './registry/open-registry-db.js';
import { SqliteCatalogStore } from './registry/sqlite-catalog-store.js';

/** Everything a process needs, built once from the config and closed once at shutdown. */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  registryDb: Database.Database;
  catalogStore: SqliteCatalogStore;
  catalog: CatalogCache;
  applyService: ApplyService;
  close(): Promise<void>;
}

export async function openServices(config: Config, logger: Logger, clock: Clock): Promise<Services> {
  const registryDb = openRegistryDb(config.dataDir);
  const catalogStore = new SqliteCatalogStore(registryDb, () => clock.now());
  const catalog = new CatalogCache(catalogStore);
  await catalog.refresh();
  const applyService = new ApplyService(catalogStore, catalog);
  return {
    config,
    logger,
    clock,
    registryDb,
    catalogStore,
    catalog,
    applyService,
    async close() {
      registryDb.close();
    },
  };
}
