import type { Clock } from '../clock.js';
import type { RegistryBackend } from './registry-backend.js';
import { openSqliteRegistry } from './sqlite/open-sqlite-registry.js';

export interface RegistryOptions {
  dataDir: string;
  clock: Clock;
}

/** The one place a registry backend is chosen from the configuration and built whole. */
export async function openRegistry(options: RegistryOptions): Promise<RegistryBackend> {
  return openSqliteRegistry(options.dataDir, options.clock);
}
