import type { LogFileRecord } from '../prediction-logs/log-file-store.js';

/** A row of prediction_log_files (SQLite migration 0005, PostgreSQL 0001). */
export interface LogFileRow {
  path: string;
  model: string;
  date: string;
  rows: number;
  bytes: number;
  min_logged_at: number;
  max_logged_at: number;
  created_at: number;
}

export const logFileRecord = (r: LogFileRow): LogFileRecord => ({
  path: r.path,
  model: r.model,
  date: r.date,
  rows: r.rows,
  bytes: r.bytes,
  minLoggedAt: r.min_logged_at,
  maxLoggedAt: r.max_logged_at,
  createdAt: r.created_at,
});
