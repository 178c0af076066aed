import type { Services } from '../services.js';
import type { OfflineDeps } from './retrieve.js';

/** What historical retrieval needs, from a process's services. */
export function offlineDeps(services: Pick<Services, 'duckdb' | 'catalog' | 'runs' | 'files'>): OfflineDeps {
  return { engine: services.duckdb, catalog: services.catalog, runs: services.runs, files: services.files };
}
