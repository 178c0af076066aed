import fs from 'node:fs';
import { utcDate } from '../domain/time.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { literal } from '../offline/sql.js';
import type { SealedSegment } from './journal.js';
import type { LogFileRecord, LogFileStore } from './log-file-store.js';
import { LOG_COLUMNS } from './log-row.js';

/** Where a model's files for one day live, relative to the file store (under the offline root). */
export function logFolder(model: string, date: string): string {
  return `offline/logs/predictions/model=${model}/date=${date}`;
}

/** The Parquet columns from the journal's: times as TIMESTAMP (UTC), the rest as they are. */
export const PARQUET_SELECT = LOG_COLUMNS.map(([name]) => (name === 'logged_at' || name === 'predicted_at' ? `epoch_ms(${name}) AS ${name}` : name)).join(', ');

/** Newest first, the order of every file (reads stop at the first rows that qualify). */
export const FILE_ORDER = 'ORDER BY logged_at DESC, id DESC';

/**
 * How every file of the log is written. Row groups of 16,384 rows (DuckDB's default is 122,880): a
 * read of the newest rows or of one hour decompresses one small group, found by its logged_at
 * statistics, rather than three hours of a busy model (2-5x faster reads for ~2% bigger files,
 * measured in docs/prediction-logs.md).
 */
export const FILE_FORMAT = 'FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 16384';

/** Ids claimed per registry transaction (about 25 ms each on registry.db). */
const CLAIM_CHUNK = 5_000;

export interface LogPublisherDeps {
  engine: DuckDbEngine;
  files: FileStore;
  store: LogFileStore;
  now: () => number;
  /** How long a published caller id keeps a retry of it (published by another segment) out of the log. */
  dedupeMs: number;
}

/**
 * Turns a sealed journal segment into Parquet: one zstd file per model and day, rows newest first,
 * written by DuckDB straight from the segment's JSON lines. The files and the segment are recorded in
 * one registry transaction, and the segment file goes only after it: a crash at any step leaves the
 * segment to be published again, and file names come from the segment, so a second try writes the same
 * files rather than new ones.
 */
export class LogPublisher {
  constructor(private readonly deps: LogPublisherDeps) {}

  async publish(segment: SealedSegment): Promise<void> {
    const { store, now } = this.deps;
    if (!(await store.isPublished(segment.name))) {
      const duplicates = await this.claim(segment);
      const records: LogFileRecord[] = segment.rows.length === 0 ? [] : await this.write(segment, duplicates);
      // False when another process replayed this segment first: its files are the ones recorded, and
      // they have the same names as these, so there is nothing to undo.
      await store.publish(segment.name, segment.rows.length, records, now());
    }
    await fs.promises.rm(segment.file, { force: true });
  }

  /**
   * Claims the segment's caller-given ids in the registry; those another segment claimed first are
   * retries that process logged already. They leave `segment.rows` (reads stop showing them) and are
   * returned so the files leave them out.
   */
  private async claim(segment: SealedSegment): Promise<string[]> {
    const given: string[] = [];
    for (const r of segment.rows) if (r.given !== false) given.push(r.id);
    if (given.length === 0) return [];
    // Sorted, so two segments claiming overlapping ids take the keys in one order (no deadlock on PostgreSQL).
    given.sort();
    const now = this.deps.now();
    const duplicates: string[] = [];
    // In transactions of CLAIM_CHUNK ids: registry.db's write lock is never held for long (a claim is
    // per id and a replay makes it again, so nothing needs the segment's claims to commit together).
    for (let i = 0; i < given.length; i += CLAIM_CHUNK) {
      duplicates.push(...(await this.deps.store.claimIds(segment.name, given.slice(i, i + CLAIM_CHUNK), now, now - this.deps.dedupeMs)));
    }
    if (duplicates.length > 0) {
      const gone = new Set(duplicates);
      segment.rows = segment.rows.filter((r) => !gone.has(r.id));
    }
    return duplicates;
  }

  private async write(segment: SealedSegment, duplicates: string[]): Promise<LogFileRecord[]> {
    const { engine, files, now } = this.deps;
    const columns = `{${LOG_COLUMNS.map(([n, t]) => `${n}: '${t}'`).join(', ')}}`;
    const staged = await engine.withConnection(async (db) => {
      await db.run(`CREATE TEMP TABLE segment AS SELECT * FROM read_json(${literal(segment.file)}, format = 'newline_delimited', columns = ${columns})`);
      // Ids are normalised UUIDs: nothing in them needs more than `literal`'s quoting.
      for (let i = 0; i < duplicates.length; i += 1000) {
        await db.run(
          `DELETE FROM segment WHERE id IN (${duplicates
            .slice(i, i + 1000)
            .map(literal)
            .join(', ')})`,
        );
      }
      const groups = (await db.runAndReadAll('SELECT model, min(logged_at), max(logged_at), count(*) FROM segment GROUP BY model, epoch_ms(logged_at)::DATE')).getRowsJS();
      const out: { record: LogFileRecord; staging: string }[] = [];
      for (const [model, min, max, count] of groups as [string, bigint, bigint, bigint][]) {
        const date = utcDate(Number(min));
        const path = `${logFolder(model, date)}/${segment.name}.parquet`;
        const staging = await files.stagingPath(path);
        await db.run(
          `COPY (SELECT ${PARQUET_SELECT} FROM segment WHERE model = ${literal(model)} AND epoch_ms(logged_at)::DATE = DATE ${literal(date)} ${FILE_ORDER}) TO ${literal(staging)} (${FILE_FORMAT})`,
        );
        out.push({ staging, record: { path, model, date, rows: Number(count), bytes: 0, minLoggedAt: Number(min), maxLoggedAt: Number(max), createdAt: now() } });
      }
      return out;
    });
    for (const { staging, record } of staged) {
      record.bytes = (await fs.promises.stat(staging)).size;
      await files.publish(staging, record.path);
    }
    return staged.map((s) => s.record);
  }
}
