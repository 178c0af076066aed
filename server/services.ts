import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { DuckDbEngine } from './offline/duckdb-engine.js';
import { duckDbOptions } from './offline/duckdb-options.js';
import { type FileStore, LocalFileStore } from './offline/file-store.js';
import type { OnlineStore } from './online/online-store.js';
import { SqliteOnlineStore } from './online/sqlite-online-store.js';
import type { MaterializeDeps } from './pipelines/materialize.js';
import type { RunStore } from './pipelines/run-store.js';
import { ApplyService } from './registry/apply-service.js';
import { CatalogCache } from './registry/catalog-cache.js';
import { openRegistryDb } from './registry/open-registry-db.js';
import { SqliteCatalogStore } from './registry/sqlite-catalog-store.js';
import { type LeaseStore, SqliteLeaseStore } from './registry/sqlite-lease-store.js';
import { SqliteRunStore } from './registry/sqlite-run-store.js';

/** Everything a process needs, built once from the config and closed once at shutdown. */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  registryDb: Database.Database;
  catalogStore: SqliteCatalogStore;
  catalog: CatalogCache;
  applyService: ApplyService;
  runs: RunStore;
  leases: LeaseStore;
  files: FileStore;
  online: SqliteOnlineStore & OnlineStore;
  /** The offline query engine (historical retrieval); its DuckDB instance starts on first use. */
  duckdb: DuckDbEngine;
  /** The DuckDB that writes pipeline runs' Parquet files (own memory limit); started on first use. */
  pipelineDuckdb: DuckDbEngine;
  close(): Promise<void>;
}

export async function openServices(config: Config, logger: Logger, clock: Clock): Promise<Services> {
  const registryDb = openRegistryDb(config.dataDir);
  const catalogStore = new SqliteCatalogStore(registryDb, () => clock.now());
  const catalog = new CatalogCache(catalogStore);
  await catalog.refresh();
  const online = new SqliteOnlineStore(path.join(config.dataDir, 'online.db'));
  const duckdb = new DuckDbEngine(duckDbOptions(config));
  const pipelineDuckdb = new DuckDbEngine({ ...duckDbOptions(config, 'pipeline'), memoryLimit: config.pipelineMemoryLimit });
  return {
    config,
    logger,
    clock,
    registryDb,
    catalogStore,
    catalog,
    applyService: new ApplyService(catalogStore, catalog),
    runs: new SqliteRunStore(registryDb),
    leases: new SqliteLeaseStore(registryDb),
    files: new LocalFileStore(config.dataDir),
    online,
    duckdb,
    pipelineDuckdb,
    async close() {
      await duckdb.close();
      await pipelineDuckdb.close();
      await online.close();
      registryDb.close();
    },
  };
}

/** What a pipeline run needs, from a process's services. */
export function materializeDeps(services: Services): MaterializeDeps {
  return {
    catalog: services.catalog,
    runs: services.runs,
    files: services.files,
    engine: services.pipelineDuckdb,
    fileOptions: { rowsPerFile: services.config.rowsPerFile, rowGroupRows: services.config.rowGroupRows },
    online: services.online,
    sourceContext: { baseDir: services.config.definitions },
    dataDir: services.config.dataDir,
    clock: services.clock,
    logger: services.logger,
    batchSize: services.config.batchSize,
    spillRows: services.config.spillRows,
    retryDelayMs: services.config.retryDelayMs,
  };
}
