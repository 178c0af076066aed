import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { TesseraError } from '../errors.js';
import type { DuckDbOptions } from './duckdb-options.js';
import { Scratch, removeStaleScratch } from './scratch.js';

const DAY_MS = 86_400_000;
/** DuckDB's words for errors after which its instance answers nothing else. */
const INVALIDATES = /INTERNAL Error|FATAL Error|database has been invalidated/;

/** A connection kept across calls (`DuckDbEngine.connect`); `close` releases it. */
export interface DuckDbHandle {
  connection: DuckDBConnection;
  close(): void;
}

/**
 * The process's one DuckDB instance, created on first use (a process that never serves a historical
 * retrieval never pays for it). Each retrieval gets its own connection; DuckDB runs them side by side
 * within one memory limit, spilling to `tempDirectory` beyond it.
 */
export class DuckDbEngine {
  private instance: Promise<DuckDBInstance> | null = null;
  private readonly active = new Set<DuckDBConnection>();
  private closed = false;

  constructor(readonly options: DuckDbOptions) {}

  /** Runs `work` on a fresh connection; `signal` interrupts the running query. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const opened = this.open();
    const instance = await opened;
    const connection = await instance.connect();
    this.active.add(connection);
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt);
    try {
      signal?.throwIfAborted();
      return await work(connection);
    } catch (e) {
      // After an internal error DuckDB refuses every later query ("database has been invalidated"):
      // the next retrieval starts a fresh instance instead of failing until a restart.
      if (INVALIDATES.test(e instanceof Error ? e.message : String(e))) this.discard(opened);
      throw e;
    } finally {
      signal?.removeEventListener('abort', interrupt);
      this.active.delete(connection);
      connection.closeSync();
    }
  }

  /**
   * A connection kept across many calls (a pipeline run's writer stages rows in tables of its own);
   * `close` releases it (the writer drops its tables before).
   */
  async connect(): Promise<DuckDbHandle> {
    const instance = await this.open();
    const connection = await instance.connect();
    this.active.add(connection);
    return {
      connection,
      close: () => {
        if (!this.active.delete(connection)) return;
        connection.closeSync();
      },
    };
  }

  /**
   * Lets go of the instance `opened` gave, if it is still the current one. Several retrievals may meet
   * one broken instance: the first discards it, a later retrieval may already have started its
   * replacement, and the others must leave that replacement alone (dropping it would leak a whole
   * instance, and chaining onto its creation would meet that creation's failure unhandled).
   */
  private discard(opened: Promise<DuckDBInstance>): void {
    if (this.instance !== opened) return;
    this.instance = null;
    void opened.then(
      (broken) => {
        try {
          broken.closeSync();
        } catch {
          // already unusable: nothing more to release
        }
      },
      () => undefined,
    );
  }

  /** A private scratch folder for one retrieval. */
  async scratch(): Promise<Scratch> {
    await this.open();
    return Scratch.create(this.options.scratchDirectory);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.instance;
    this.instance = null;
    if (!pending) return;
    const instance = await pending.catch(() => null);
    for (const connection of this.active) connection.interrupt();
    for (const connection of this.active) connection.closeSync();
    this.active.clear();
    instance?.closeSync();
    await fs.promises.rm(this.options.tempDirectory, { recursive: true, force: true });
  }

  private open(): Promise<DuckDBInstance> {
    if (this.closed) return Promise.reject(new TesseraError('unavailable', 'the offline query engine is shut down'));
    if (!this.instance) {
      const created = this.create();
      this.instance = created;
      // A failed start (a full disk, a folder in the way) is not kept: the next retrieval tries again.
      created.catch(() => {
        if (this.instance === created) this.instance = null;
      });
    }
    return this.instance;
  }

  private async create(): Promise<DuckDBInstance> {
    const { tempDirectory, scratchDirectory, memoryLimit, threads } = this.options;
    // Crashed processes leave scratch and spill folders behind; a live process's own are touched
    // whenever it works (and DuckDB recreates its spill folder if an idle one was removed).
    await removeStaleScratch(scratchDirectory, DAY_MS, Date.now());
    await removeStaleScratch(path.dirname(tempDirectory), DAY_MS, Date.now());
    await fs.promises.mkdir(tempDirectory, { recursive: true });
    // Loaded with the instance: a process that never queries (every CLI call that only reads the registry) skips its native module.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: memoryLimit,
      temp_directory: tempDirectory,
      threads: String(threads),
      // Parquet, JSON and ICU are built in; never reach for the network to fetch an extension.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      preserve_insertion_order: 'true',
    });
    // Every timestamp is UTC; a naive one in an upload means UTC too. (ICU must be loaded before
    // TimeZone can be set, so it cannot be a creation option.)
    const connection = await instance.connect();
    try {
      await connection.run("SET GLOBAL TimeZone = 'UTC'");
    } finally {
      connection.closeSync();
    }
    return instance;
  }
}
