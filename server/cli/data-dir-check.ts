import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { TesseraError } from '../errors.js';

/**
 * What a command does on its data dir: `read` needs one that exists; `plan` plans a missing one as an
 * empty registry; `write` creates it. Opening a data dir creates it (a registry, an online store), so
 * a read-only command given a mistyped --data-dir used to answer "nothing there" and leave a new
 * empty data dir behind.
 */
export type DataDirAccess = 'read' | 'plan' | 'write';

/** Whether there is a registry to read: the data dir's registry.db, or one behind a URL (its data dir need not exist). */
export function hasRegistry(config: Config): boolean {
  return config.registryUrl !== undefined || fs.existsSync(path.join(config.dataDir, 'registry.db'));
}

/** A read-only command's data dir has no registry: said, and nothing created. */
export function missingDataDir(config: Config): TesseraError {
  const dir = config.dataDir;
  const what = fs.existsSync(dir) ? `'${dir}' is not a Tessera data directory: it holds no registry.db` : `data directory '${dir}' does not exist`;
  return new TesseraError('not_found', `${what}; give --data-dir the folder 'tessera apply' or 'tessera serve' wrote (or --url a server)`, [{ path: '--data-dir', message: 'no registry.db there' }]);
}

/** Fails a read on a data dir with no registry, before anything opens it (and creates it). */
export function checkDataDir(config: Config, access: DataDirAccess): void {
  if (access === 'read' && !hasRegistry(config)) throw missingDataDir(config);
}
