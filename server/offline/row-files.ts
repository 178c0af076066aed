import type { DuckDBConnection } from '@duckdb/node-api';
import type { DuckDbEngine, DuckDbHandle } from './duckdb-engine.js';
import type { FileStore } from './file-store.js';
import { literal } from './sql.js';

/**
 * Writes one file per pair of consecutive `bounds` (row numbers of a plain table both connections
 * see), two files at a time: `main` writes the first of each pair and the connection `side()` gives
 * the second. DuckDB's order-preserving COPY of one file of many columns keeps about one core busy,
 * and two side by side take ~0.7 of one file's time (docs/offline-layout.md).
 *
 * `copy` must claim its file's name before its first await: files are named in call order.
 */
export async function copyPairs(
  bounds: number[],
  main: DuckDBConnection,
  side: () => Promise<DuckDBConnection>,
  copy: (connection: DuckDBConnection, from: number, to: number) => Promise<void>,
): Promise<void> {
  for (let k = 0; k + 1 < bounds.length; k += 2) {
    if (k + 2 >= bounds.length) {
      await copy(main, bounds[k], bounds[k + 1]);
      continue;
    }
    // Connected before either COPY starts: a failed connect must not leave a COPY running unawaited.
    const second = await side();
    const [a, b] = await Promise.allSettled([copy(main, bounds[k], bounds[k + 1]), copy(second, bounds[k + 1], bounds[k + 2])]);
    for (const result of [a, b]) if (result.status === 'rejected') throw result.reason;
  }
}

/**
 * One snapshot's Parquet files (`<folder>/part-<n>.parquet`), cut from a plain table in its `rowid`
 * order and written two at a time (`copyPairs`). Each file is written under a staging name and
 * renamed into place (`FileStore.publish`). The second connection opens on first need; `close`
 * releases it.
 */
export class RowFiles {
  /** The files written so far, in row order. */
  readonly files: string[] = [];
  private side: DuckDbHandle | null = null;

  constructor(
    private readonly engine: DuckDbEngine,
    private readonly store: FileStore,
    private readonly folder: string,
    private readonly rowGroupRows: number,
  ) {}

  /** Writes rows [bounds[k], bounds[k + 1]) of `select` (`SELECT ... FROM <table>`, no WHERE) as the next files. */
  async write(main: DuckDBConnection, select: string, bounds: number[]): Promise<void> {
    const side = async () => {
      this.side ??= await this.engine.connect();
      return this.side.connection;
    };
    await copyPairs(bounds, main, side, async (connection, from, to) => {
      const file = `${this.folder}/part-${this.files.length}.parquet`;
      this.files.push(file);
      const staged = await this.store.stagingPath(file);
      await connection.run(`COPY (${select} WHERE rowid >= ${from} AND rowid < ${to}) TO ${literal(staged)} (FORMAT parquet, ROW_GROUP_SIZE ${this.rowGroupRows})`);
      await this.store.publish(staged, file);
    });
  }

  /** Removes every file written so far: their rows are to be written again. */
  async removeAll(): Promise<void> {
    for (const file of this.files.splice(0)) await this.store.remove(file);
  }

  close(): void {
    this.side?.close();
    this.side = null;
  }
}

/** Drops `tables` (plain tables of the shared instance) and releases `handle`, even when a DROP fails. */
export async function dropAndRelease(handle: DuckDbHandle, tables: string[]): Promise<void> {
  try {
    for (const table of tables) await handle.connection.run(`DROP TABLE IF EXISTS ${table}`);
  } catch {
    // An instance that fails a DROP is broken: the engine replaces it, and its tables with it.
  } finally {
    handle.close();
  }
}
