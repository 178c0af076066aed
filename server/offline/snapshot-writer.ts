import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { KeyType } from '../domain/value-type.js';
import type { OutputBatch } from '../pipelines/output-batch.js';
import type { ChunkAppender } from './chunk-appender.js';
import type { DuckDbEngine, DuckDbHandle } from './duckdb-engine.js';
import type { FileStore } from './file-store.js';
import { NO_WIDE_COLUMNS, type StagePlan, type WideColumns, stagePlan, widenedSql, widerColumns } from './stage-plan.js';
import { RowFiles, dropAndRelease } from './row-files.js';

/** Where a snapshot's files go and what identifies a row. */
export interface SnapshotLayout {
  /** The snapshot's folder, `offline/<view>/v<N>/run=<runId>`: files are `<folder>/part-<k>.parquet`. */
  folder: string;
  keys: { name: string; type: KeyType }[];
  hasCreated: boolean;
}

export interface SnapshotFileOptions {
  /** Rows per file at most (the last file of a snapshot holds the rest). */
  rowsPerFile: number;
  /** Rows per Parquet row group: the unit whose min/max statistics let readers skip. */
  rowGroupRows: number;
}

export const DEFAULT_FILE_OPTIONS: SnapshotFileOptions = { rowsPerFile: 1_000_000, rowGroupRows: 100_000 };

export interface WrittenFiles {
  files: string[];
  /** Rows written: every row staged, less the duplicates dropped. */
  rows: number;
  /** Rows dropped because a later-read or greater-created row had the same keys and event time. */
  duplicates: number;
}

/** Full files are written early (two at a time) only while more than this many files' worth of rows are staged. */
const AHEAD = 2.5;

/**
 * Writes one snapshot's rows as a few large Parquet files, whatever their event-time span: rows are
 * staged in a DuckDB table of the writer's own (bounded by DuckDB's memory limit: beyond it DuckDB
 * spills to disk), deduplicated, sorted by event time then keys, and cut into files of at most
 * `rowsPerFile` rows with row groups of `rowGroupRows`. A snapshot of N rows has at most
 * ceil(N / rowsPerFile) + 1 files: the rows left at the end are cut into equal files, two of them
 * when there are more than half a file's worth (see `finish`).
 *
 * Files are written two at a time, each by its own connection (`RowFiles`). The staging table is
 * therefore a plain table, which both connections see, under a name no other writer on the
 * instance uses; `close` drops it.
 *
 * Deduplication: of rows equal in keys and event time, the one with the greatest created time wins
 * (null created loses), then the one read last (`seq`): the same row the online store keeps. Files
 * are written next to their final names and renamed into place (`FileStore.publish`); none is
 * visible to readers until the registry commits the snapshot that lists it.
 */
export class SnapshotWriter {
  private handle: DuckDbHandle | null = null;
  /** This writer's tables on the shared instance: `<prefix>stage`, `<prefix>sorted`, `<prefix>losers`. */
  private readonly prefix = `w${randomUUID().replaceAll('-', '')}_`;
  private plan: StagePlan | null = null;
  private first: OutputBatch | null = null;
  private wide: WideColumns = NO_WIDE_COLUMNS;
  private appender: ChunkAppender | null = null;
  private staged = 0;
  /** Rows so far came in strictly increasing (event time, key) order: no sort or dedupe needed. */
  private ordered = true;
  private lastTs = -Infinity;
  private lastKey = -Infinity;
  private readonly written: RowFiles;
  private source: string;

  constructor(
    private readonly engine: DuckDbEngine,
    private readonly store: FileStore,
    private readonly layout: SnapshotLayout,
    private readonly options: SnapshotFileOptions = DEFAULT_FILE_OPTIONS,
  ) {
    this.source = this.table('stage');
    this.written = new RowFiles(engine, store, layout.folder, options.rowGroupRows);
  }

  /**
   * Stages a batch. `seq`: each row's position in read order (the dedupe tie-break); default
   * consecutive. While rows keep arriving in order, each full file is written as soon as its rows are
   * staged (DuckDB writes it while the run reads on); rows out of order undo that (below).
   */
  async add(batch: OutputBatch, seq?: Float64Array): Promise<void> {
    if (batch.length === 0) return;
    if (this.plan === null) await this.start(batch);
    else {
      const wider = widerColumns(batch, this.layout, this.wide);
      if (wider) await this.widen(wider);
    }
    const order = seq ?? consecutive(this.staged, batch.length);
    const wasOrdered = this.ordered;
    this.track(batch);
    this.appender!.append(this.plan!.data(batch, order), batch.length);
    this.staged += batch.length;
    if (wasOrdered && !this.ordered && this.written.files.length > 0) {
      // Files written early hold sorted, unique rows of the stage; with rows out of order the whole
      // stage must be sorted and deduplicated together: they are written again at the end.
      await this.written.removeAll();
    }
    if (this.ordered) {
      // Two full files at a time, keeping at least half a file staged for `finish` to cut in two.
      const size = this.options.rowsPerFile;
      while ((this.written.files.length + AHEAD) * size <= this.staged) {
        this.appender!.flush();
        const at = this.written.files.length * size;
        await this.copyFiles([at, at + size, at + 2 * size]);
      }
    }
  }

  /** Deduplicates, sorts and writes the staged rows. */
  async finish(): Promise<WrittenFiles> {
    if (this.plan === null) return { files: [], rows: 0, duplicates: 0 };
    this.appender!.close();
    this.appender = null;
    const db = this.handle!.connection;
    const identity = this.plan.identity.join(', ');
    let duplicates = 0;
    if (!this.ordered) {
      const [stage, losers, sorted] = [this.table('stage'), this.table('losers'), this.table('sorted')];
      const repeated = await scalar(db, `SELECT count(*) FROM (SELECT 1 FROM ${stage} GROUP BY ${identity} HAVING count(*) > 1)`);
      let keep = stage;
      if (repeated > 0) {
        const created = this.layout.hasCreated ? "nullif(c, 'nan'::DOUBLE) DESC NULLS LAST, " : '';
        await db.run(`CREATE TABLE ${losers} AS SELECT s FROM (SELECT s, row_number() OVER (PARTITION BY ${identity} ORDER BY ${created}s DESC) AS r FROM ${stage}) WHERE r > 1`);
        duplicates = await scalar(db, `SELECT count(*) FROM ${losers}`);
        keep = `${stage} ANTI JOIN ${losers} USING (s)`;
      }
      await db.run(`CREATE TABLE ${sorted} AS SELECT ${stage}.* FROM ${keep} ORDER BY t, ${this.plan.identity.filter((c) => c !== 't').join(', ') || 't'}`);
      await db.run(`DROP TABLE ${stage}`);
      await db.run(`DROP TABLE IF EXISTS ${losers}`);
      this.source = sorted;
    }
    const rows = this.staged - duplicates;
    await this.copyFiles(fileBounds(this.written.files.length * this.options.rowsPerFile, rows, this.options.rowsPerFile));
    return { files: [...this.written.files], rows, duplicates };
  }

  /** Writes one file per pair of consecutive `bounds` (row numbers of the source table, in its order). */
  private copyFiles(bounds: number[]): Promise<void> {
    return this.written.write(this.handle!.connection, `SELECT ${this.plan!.outputs.join(', ')} FROM ${this.source}`, bounds);
  }

  /** The written rows' staging columns, in file order (for statistics after duplicates were dropped). */
  async readBack(): Promise<{ connection: DuckDBConnection; sql: string; plan: StagePlan }> {
    return { connection: this.handle!.connection, sql: `SELECT * EXCLUDE (s) FROM ${this.source} ORDER BY rowid`, plan: this.plan! };
  }

  /** Removes the snapshot's folder, files and staging files alike (a failed run leaves nothing behind), and releases DuckDB. */
  async abort(): Promise<void> {
    await this.close();
    await this.store.remove(this.layout.folder);
  }

  /** Drops the staging tables and releases the connections. */
  async close(): Promise<void> {
    try {
      this.appender?.close();
    } catch {
      // the tables are dropped next anyway
    }
    this.appender = null;
    const handle = this.handle;
    this.handle = null;
    this.written.close();
    if (handle !== null) await dropAndRelease(handle, [this.table('stage'), this.table('losers'), this.table('sorted')]);
  }

  private table(name: 'stage' | 'losers' | 'sorted'): string {
    return `${this.prefix}${name}`;
  }

  /**
   * A batch holds an int64 beyond 2^53 in a column staged as DOUBLE: that column is restaged as
   * decimal text (its rows so far are whole numbers within 2^53, so their text is exact).
   */
  private async widen(wide: WideColumns): Promise<void> {
    this.appender!.close();
    const db = this.handle!.connection;
    const restage = (name: string) => db.run(`ALTER TABLE ${this.table('stage')} ALTER ${name} TYPE VARCHAR USING ${widenedSql(name)}`);
    for (const i of wide.keys) if (!this.wide.keys.has(i)) await restage(`k${i}`);
    for (const j of wide.values) if (!this.wide.values.has(j)) await restage(`v${j}`);
    this.wide = wide;
    // The rare path keeps to the general one: files written early are written again from the sorted stage.
    this.ordered = false;
    await this.written.removeAll();
    this.plan = stagePlan(this.first!, this.layout, wide);
    this.appender = await stageAppender(db, this.table('stage'), this.plan);
  }

  private async start(first: OutputBatch): Promise<void> {
    this.first = first;
    this.wide = widerColumns(first, this.layout, NO_WIDE_COLUMNS) ?? NO_WIDE_COLUMNS;
    this.plan = stagePlan(first, this.layout, this.wide);
    this.handle = await this.engine.connect();
    const db = this.handle.connection;
    const kinds = { double: 'DOUBLE', integer: 'INTEGER', varchar: 'VARCHAR' } as const;
    await db.run(`CREATE TABLE ${this.table('stage')} (${this.plan.columns.map((c) => `${c.name} ${kinds[c.kind]}`).join(', ')})`);
    this.appender = await stageAppender(db, this.table('stage'), this.plan);
  }

  /**
   * Keeps `ordered` while rows come in strictly increasing (event time, key) order, as a time-ordered
   * source with one numeric key does: such rows are already sorted and cannot repeat a (key, time).
   */
  private track(batch: OutputBatch): void {
    if (!this.ordered) return;
    const key = batch.keys.length === 1 && batch.keys[0].kind === 'numeric' ? batch.keys[0].values : null;
    if (key === null) {
      this.ordered = false;
      return;
    }
    const ts = batch.eventTs;
    let lastTs = this.lastTs;
    let lastKey = this.lastKey;
    for (let i = 0; i < batch.length; i++) {
      const t = ts[i];
      const k = key[i];
      if (t < lastTs || (t === lastTs && !(k > lastKey))) {
        this.ordered = false;
        return;
      }
      lastTs = t;
      lastKey = k;
    }
    this.lastTs = lastTs;
    this.lastKey = lastKey;
  }
}

function consecutive(from: number, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = from + i;
  return out;
}

/** The appender on the stage table; DuckDB's bindings load with the first run that writes, not with the process. */
async function stageAppender(db: DuckDBConnection, table: string, plan: StagePlan): Promise<ChunkAppender> {
  const { ChunkAppender } = await import('./chunk-appender.js');
  return new ChunkAppender(
    await db.createAppender(table),
    plan.columns.map((c) => c.kind),
  );
}

async function scalar(db: DuckDBConnection, sql: string): Promise<number> {
  const reader = await db.runAndReadAll(sql);
  return Number(reader.getRowsJS()[0][0]);
}

/**
 * Where the files of rows [from, rows) begin and end: full files of `size` rows while more than
 * `AHEAD` files' worth remain (as rows arriving in order were written), then what is left in equal
 * files, at least two when it is more than half a file (two files are written side by side). With
 * the early files, a snapshot of N rows has at most ceil(N / size) + 1 files.
 */
export function fileBounds(from: number, rows: number, size: number): number[] {
  const bounds = [from];
  let at = from;
  while (rows - at > AHEAD * size) bounds.push((at += size));
  const rest = rows - at;
  if (rest <= 0) return [];
  const count = Math.max(Math.ceil(rest / size), rest > size / 2 ? 2 : 1);
  for (let k = 1; k <= count; k++) bounds.push(at + Math.round((rest * k) / count));
  return bounds;
}
