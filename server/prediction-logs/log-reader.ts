import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import type { FileStore } from '../offline/file-store.js';
import { literal } from '../offline/sql.js';
import type { LogFileRecord, LogFileStore } from './log-file-store.js';
import { type LogQuery, encodeCursor, matches, whereSql } from './log-query.js';
import { LOG_COLUMNS, type LogRow, newestFirst } from './log-row.js';

const SELECT = LOG_COLUMNS.map(([name]) => (name === 'logged_at' || name === 'predicted_at' ? `epoch_ms(${name}) AS ${name}` : name)).join(', ');

export interface LogReaderDeps {
  engine: DuckDbEngine;
  files: FileStore;
  store: LogFileStore;
  /** Of ids of unpublished rows, those another process published first (its copy is the logged one). */
  duplicates?: (ids: string[]) => Promise<Set<string>>;
}

/**
 * Reads the prediction log: the registry says which files may hold rows of the model in the range,
 * newest first; DuckDB reads each with the filters and the limit pushed down (files are sorted newest
 * first, so a newest-first read stops at the first rows that qualify), and reading stops once no
 * remaining file can hold a row newer than the ones found. Rows still in the journal join them.
 */
export class LogReader {
  constructor(private readonly deps: LogReaderDeps) {}

  async read(q: LogQuery, unpublished: Iterable<LogRow>): Promise<{ rows: LogRow[]; next: string | null }> {
    const order = q.ascending ? (a: LogRow, b: LogRow) => newestFirst(b, a) : newestFirst;
    const want = q.limit + 1;
    // A segment being published is briefly both in a file and in memory: each id counts once.
    let seen = new Set<string>();
    const local: LogRow[] = [];
    for (const r of unpublished) {
      if (matches(r, q) && !seen.has(r.id)) {
        seen.add(r.id);
        local.push(r);
      }
    }
    let found = await this.withoutDuplicates(local, want, order);
    // Rows past the first `want` cannot be on this page, nor can a file's copy of them.
    if (found.length < local.length) seen = new Set(found.map((r) => r.id));
    const files = await this.candidates(q);
    if (files.length > 0) {
      await this.deps.engine.withConnection(async (db) => {
        for (const file of files) {
          if (found.length >= want) {
            found.sort(order);
            found.length = want;
            const last = found[want - 1].logged_at;
            if (q.ascending ? file.minLoggedAt > last : file.maxLoggedAt < last) break;
          }
          const sql = `SELECT ${SELECT} FROM read_parquet(${literal(this.deps.files.locate(file.path))}) WHERE ${whereSql(q)} ${q.ascending ? 'ORDER BY logged_at, id' : ''} LIMIT ${want}`;
          for (const r of toRows((await db.runAndReadAll(sql)).getColumnsJS())) {
            if (seen.has(r.id)) continue;
            seen.add(r.id);
            found.push(r);
          }
        }
      });
    }
    found.sort(order);
    const more = found.length > q.limit;
    found = found.slice(0, q.limit);
    return { rows: found, next: more ? encodeCursor(found[found.length - 1]) : null };
  }

  /**
   * This process's unpublished rows that may reach the page, less those whose caller id another
   * process published first (a retry it logged too: its copy is dropped when it publishes, and a read
   * must not show the id twice meanwhile). Only rows that can be among the first `want` are asked about,
   * in rounds, so a read asks the registry about at most a page of ids when nothing is dropped.
   */
  private async withoutDuplicates(local: LogRow[], want: number, order: (a: LogRow, b: LogRow) => number): Promise<LogRow[]> {
    const { duplicates } = this.deps;
    if (duplicates === undefined || local.length === 0) return local;
    local.sort(order);
    const kept: LogRow[] = [];
    let at = 0;
    while (at < local.length && kept.length < want) {
      const round = local.slice(at, at + want - kept.length);
      at += round.length;
      const ask = round.filter((r) => r.given !== false).map((r) => r.id);
      const gone = ask.length === 0 ? null : await duplicates(ask);
      for (const r of round) if (!gone?.has(r.id)) kept.push(r);
    }
    return kept;
  }

  /** The files that may hold qualifying rows, in the order a read visits them. */
  private async candidates(q: LogQuery): Promise<LogFileRecord[]> {
    let { from, to } = q;
    if (q.after && q.ascending) from = Math.max(from ?? q.after.loggedAt, q.after.loggedAt);
    if (q.after && !q.ascending) to = Math.min(to ?? q.after.loggedAt + 1, q.after.loggedAt + 1);
    const files = await this.deps.store.files(q.model, { from, to });
    return q.ascending ? files.sort((a, b) => a.minLoggedAt - b.minLoggedAt) : files;
  }
}

/**
 * A result's columns (in `LOG_COLUMNS` order, as SELECT lists them) as rows. Read column by column:
 * DuckDB's row objects cost several times more for a page of 1,000 rows.
 */
function toRows(columns: unknown[][]): LogRow[] {
  // A result with no rows has no chunks, and DuckDB then gives no columns at all.
  if (columns.length === 0) return [];
  const [id, model, version, logged, predicted, entity, key, features, versions, prediction, probability, status, error] = columns;
  const rows: LogRow[] = new Array(id.length);
  for (let i = 0; i < id.length; i++) {
    rows[i] = {
      id: id[i] as string,
      model: model[i] as string,
      model_version: version[i] as string,
      logged_at: Number(logged[i]),
      predicted_at: Number(predicted[i]),
      entity: entity[i] as string,
      entity_key: key[i] as string,
      features: features[i] as string,
      feature_versions: versions[i] as string,
      prediction: prediction[i] as string,
      probability: (probability[i] as number | null) ?? null,
      status: status[i] as LogRow['status'],
      error: (error[i] as string | null) ?? null,
    };
  }
  return rows;
}
