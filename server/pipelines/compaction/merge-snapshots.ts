import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { numericColumn, stringColumn } from '../../columns/column.js';
import type { ColumnStatistics } from '../../domain/snapshot.js';
import type { FeatureType } from '../../domain/value-type.js';
import type { DuckDbEngine } from '../../offline/duckdb-engine.js';
import type { FileStore } from '../../offline/file-store.js';
import { RowFiles, dropAndRelease } from '../../offline/row-files.js';
import { type SnapshotFileOptions, fileBounds } from '../../offline/snapshot-writer.js';
import { readStaged } from '../../offline/stage-reader.js';
import { fileList, ident } from '../../offline/sql.js';
import { SnapshotStats } from '../snapshot-stats.js';

export interface MergeInput {
  /** The snapshots' files, located, in snapshot order (each snapshot's own files in their order). */
  files: string[];
  keys: string[];
  hasCreated: boolean;
  /** The version's feature columns, for the merged snapshot's statistics; `binary` for one-hot ones. */
  columns: { name: string; type: FeatureType; binary: boolean }[];
  /** The merged snapshot's folder, `offline/<view>/v<N>/run=<compaction run id>`. */
  folder: string;
}

export interface MergedSnapshot {
  files: string[];
  rows: number;
  minEventTs: number | null;
  maxEventTs: number | null;
  stats: Record<string, ColumnStatistics>;
}

/**
 * Merges snapshots' files into one snapshot's: of rows equal in keys and event time it keeps the one
 * a point-in-time read returns (greatest created time, null losing; then the later snapshot; then
 * the row read later), sorts by event time then keys, and writes files as a run does
 * (`SnapshotWriter`'s layout, `fileBounds`, two files at a time). Old `date=` files and new ones
 * merge alike.
 */
export async function mergeSnapshots(engine: DuckDbEngine, store: FileStore, input: MergeInput, options: SnapshotFileOptions): Promise<MergedSnapshot> {
  if (input.files.length === 0) return { files: [], rows: 0, minEventTs: null, maxEventTs: null, stats: {} };
  const handle = await engine.connect();
  const db = handle.connection;
  // A plain table, so that the second connection writing files sees it; a name of its own on the shared instance.
  const merged = `m${randomUUID().replaceAll('-', '')}_merged`;
  try {
    const keys = input.keys.map(ident);
    const created = input.hasCreated ? 'created_timestamp DESC NULLS LAST, ' : '';
    await db.run(
      `CREATE TABLE ${merged} AS SELECT * EXCLUDE (file_row_number)
       FROM read_parquet(${fileList(input.files)}, hive_partitioning = false, file_row_number = true)
       QUALIFY row_number() OVER (PARTITION BY ${[...keys, 'event_timestamp'].join(', ')} ORDER BY ${created}file_index DESC, file_row_number DESC) = 1
       ORDER BY event_timestamp, ${keys.join(', ')}`,
    );
    const [summary] = (await db.runAndReadAll(`SELECT count(*), epoch_ms(min(event_timestamp)), epoch_ms(max(event_timestamp)) FROM ${merged}`)).getRowsJS();
    const rows = Number(summary[0]);
    const out = new RowFiles(engine, store, input.folder, options.rowGroupRows);
    try {
      await out.write(db, `SELECT * FROM ${merged}`, fileBounds(0, rows, options.rowsPerFile));
    } finally {
      out.close();
    }
    const stats = await statistics(db, merged, input.columns);
    return { files: out.files, rows, minEventTs: rows ? Number(summary[1]) : null, maxEventTs: rows ? Number(summary[2]) : null, stats };
  } finally {
    await dropAndRelease(handle, [merged]);
  }
}

/** The merged rows' statistics, computed as a run computes them (a chunk at a time: the event loop breathes between). */
async function statistics(db: DuckDBConnection, merged: string, columns: MergeInput['columns']): Promise<Record<string, ColumnStatistics>> {
  const stats = new SnapshotStats();
  if (columns.length === 0) return stats.result();
  const select = columns.map((c) => (c.type === 'string' ? ident(c.name) : `coalesce(CAST(${ident(c.name)} AS DOUBLE), 'nan'::DOUBLE)`));
  const kinds = columns.map((c) => (c.type === 'string' ? ('varchar' as const) : ('double' as const)));
  for await (const chunk of readStaged(db, `SELECT ${select.join(', ')} FROM ${merged} ORDER BY rowid`, kinds)) {
    stats.add({
      length: chunk.length,
      keys: [],
      eventTs: new Float64Array(0),
      createdTs: null,
      columns: columns.map((c, k) => {
        const v = chunk.values[k];
        const strings = v as { codes: Int32Array; dictionary: readonly string[] };
        const column = v instanceof Float64Array ? numericColumn(v) : stringColumn(strings.codes, strings.dictionary);
        return { name: c.name, type: c.type, column, binary: c.binary };
      }),
    });
  }
  return stats.result();
}
