import { validationError } from '../errors.js';
import { literal } from '../offline/sql.js';
import type { LogRow } from './log-row.js';

/** What a read of the prediction log asks for; every filter is optional but the model. */
export interface LogQuery {
  model: string;
  version?: string;
  /** loggedAt >= from (epoch ms). */
  from?: number;
  /** loggedAt < to. */
  to?: number;
  status?: 'ok' | 'failed';
  entityKey?: string;
  /** Any of these entity keys (outcomes joined by entity look up a batch's entities in one read). */
  entityKeys?: string[];
  ids?: string[];
  /** Oldest first; the default is newest first. */
  ascending?: boolean;
  limit: number;
  /** Rows after this one in the read's order (from the previous page's `next`). */
  after?: Cursor;
}

export interface Cursor {
  loggedAt: number;
  id: string;
}

export function encodeCursor(row: { logged_at: number; id: string }): string {
  return Buffer.from(`${row.logged_at},${row.id}`).toString('base64url');
}

/** A cursor from `next`, or a 400 naming `field`. */
export function decodeCursor(text: string, field = 'after'): Cursor {
  const m = /^(-?\d{1,16}),([0-9a-f-]{36})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  // A page's rows were logged within the range of a date (±8.64e15 ms): beyond it no row follows, and
  // DuckDB cannot hold the instant as a timestamp.
  if (!m || Math.abs(Number(m[1])) > 8.64e15) throw validationError(`'${field}' is not a cursor from a previous page`, [{ path: field, message: 'not a cursor from a previous page' }]);
  return { loggedAt: Number(m[1]), id: m[2] };
}

/** Whether a row (still in the journal) passes the query's filters: the same test as `whereSql`. */
export function matches(r: LogRow, q: LogQuery): boolean {
  if (r.model !== q.model) return false;
  if (q.version !== undefined && r.model_version !== q.version) return false;
  if (q.from !== undefined && r.logged_at < q.from) return false;
  if (q.to !== undefined && r.logged_at >= q.to) return false;
  if (q.status !== undefined && r.status !== q.status) return false;
  if (q.entityKey !== undefined && r.entity_key !== q.entityKey) return false;
  if (q.entityKeys !== undefined && !q.entityKeys.includes(r.entity_key)) return false;
  if (q.ids !== undefined && !q.ids.includes(r.id)) return false;
  if (q.after) {
    const { loggedAt, id } = q.after;
    if (q.ascending) return r.logged_at > loggedAt || (r.logged_at === loggedAt && r.id > id);
    return r.logged_at < loggedAt || (r.logged_at === loggedAt && r.id < id);
  }
  return true;
}

/** The query's filters as a DuckDB WHERE clause over the Parquet columns (times are TIMESTAMP there). */
export function whereSql(q: LogQuery): string {
  const ts = (ms: number) => `epoch_ms(${Math.trunc(ms)}::BIGINT)`;
  const parts = [`model = ${literal(q.model)}`];
  if (q.version !== undefined) parts.push(`model_version = ${literal(q.version)}`);
  if (q.from !== undefined) parts.push(`logged_at >= ${ts(q.from)}`);
  if (q.to !== undefined) parts.push(`logged_at < ${ts(q.to)}`);
  if (q.status !== undefined) parts.push(`status = ${literal(q.status)}`);
  if (q.entityKey !== undefined) parts.push(`entity_key = ${literal(q.entityKey)}`);
  if (q.entityKeys !== undefined) parts.push(q.entityKeys.length ? `entity_key IN (${q.entityKeys.map(literal).join(', ')})` : 'false');
  if (q.ids !== undefined) parts.push(q.ids.length ? `id IN (${q.ids.map(literal).join(', ')})` : 'false');
  if (q.after) {
    const { loggedAt, id } = q.after;
    const op = q.ascending ? '>' : '<';
    parts.push(`(logged_at ${op} ${ts(loggedAt)} OR (logged_at = ${ts(loggedAt)} AND id ${op} ${literal(id)}))`);
  }
  return parts.join(' AND ');
}
