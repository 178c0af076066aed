import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openServices, type Services } from '../services.js';
import { checkDataDir, type DataDirAccess, hasRegistry } from './data-dir-check.js';

export interface LocalServices {
  services: Services;
  /** A plan for a data dir that does not exist yet (this one): made against an empty registry. */
  planningNew?: string;
  /** Closes the services and removes the stand-in folder, if one was made. */
  close(): Promise<void>;
}

/**
 * The services of a CLI command on a data dir, creating it only for `write`. Opening services creates
 * the data dir (online.db, prediction-log/, DuckDB's spill folder), so a command that must not create
 * it runs on a throwaway folder instead: a plan of a data dir with no registry (against an empty one),
 * a read or plan of a data dir that does not exist, and every read or plan whose registry is behind
 * TESSERA_REGISTRY_URL, whose data dir (if any: on an operator's laptop with PostgreSQL and Redis
 * there is none to speak of) it leaves as it is. The offline root stays the real one.
 */
export async function openLocalServices(config: Config, access: DataDirAccess): Promise<LocalServices> {
  checkDataDir(config, access);
  const planningNew = access === 'plan' && !hasRegistry(config);
  // With the registry elsewhere a read needs nothing of the data dir but its offline root, kept below.
  const standIn = planningNew || (access !== 'write' && (config.registryUrl !== undefined || !fs.existsSync(config.dataDir)));
  const scratch = standIn ? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-')) : undefined;
  const opened = scratch ? { ...config, dataDir: scratch, offlineDir: config.offlineDir ?? path.join(config.dataDir, 'offline') } : config;
  const removeScratch = () => {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  };
  // Only a command that writes may publish a dead server's prediction journal: a read or a plan leaves
  // it to the next server (or write), as it leaves everything else in the data dir. Nor does a read or
  // a plan touch online rows: it opens no online store (Redis may be down; online.db is not made).
  const writes = access === 'write';
  const services = await openServices(opened, createLogger('warn', process.stderr), systemClock, { predictionLogJournal: writes, online: writes }).catch((e: unknown) => {
    removeScratch();
    throw e;
  });
  return {
    services,
    ...(planningNew ? { planningNew: config.dataDir } : {}),
    async close() {
      try {
        await services.close();
      } finally {
        removeScratch();
      }
    },
  };
}
