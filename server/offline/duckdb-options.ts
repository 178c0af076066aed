import os from 'node:os';
import path from 'node:path';

/** How the process's DuckDB instance is set up. */
export interface DuckDbOptions {
  /** DuckDB spills here once a query outgrows `memoryLimit`: `<dataDir>/tmp/duckdb/<process>`. */
  tempDirectory: string;
  /** Per-request scratch files (entity inputs, results): `<dataDir>/tmp/historical`. */
  scratchDirectory: string;
  /** DuckDB syntax: `1GB`, `512MB`. */
  memoryLimit: string;
  threads: number;
}

/**
 * Options from the config (`TESSERA_DUCKDB_THREADS`, `TESSERA_DUCKDB_MEMORY_LIMIT`). The memory limit
 * defaults to 1 GB: with the JS heap beside it, a serving process stays under 2 GB and larger
 * retrievals spill to disk instead of failing.
 */
export function duckDbOptions(config: { dataDir: string; duckdbThreads: number; duckdbMemoryLimit: string }, role = 'query'): DuckDbOptions {
  return {
    // DuckDB may remove its temp folder when it closes: one per process, so processes sharing a data
    // dir (cluster workers, the CLI) never delete each other's spill files.
    tempDirectory: path.join(config.dataDir, 'tmp', 'duckdb', `${process.pid}-${Date.now().toString(36)}-${role}`),
    scratchDirectory: path.join(config.dataDir, 'tmp', 'historical'),
    memoryLimit: config.duckdbMemoryLimit,
    threads: config.duckdbThreads > 0 ? config.duckdbThreads : os.availableParallelism(),
  };
}
