import type Database from 'better-sqlite3';
import type { DriftReport } from '../../monitoring/drift/drift-report.js';
import type { MonitorResult, MonitorResultStore, NewMonitorResult } from '../../monitoring/monitors/monitor-result-store.js';

interface Row {
  id: number;
  monitor: string;
  status: 'ok' | 'failed';
  dataset_drift: number | null;
  share: number | null;
  report: string | null;
  error: string | null;
  started_at: number;
  finished_at: number;
}

function toResult(r: Row): MonitorResult {
  return {
    id: r.id,
    monitor: r.monitor,
    status: r.status,
    datasetDrift: r.dataset_drift === null ? null : r.dataset_drift === 1,
    share: r.share,
    report: r.report === null ? null : (JSON.parse(r.report) as DriftReport),
    error: r.error,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Monitor results in registry.db (migration 0007). */
export class SqliteMonitorResultStore implements MonitorResultStore {
  constructor(private readonly db: Database.Database) {}

  async add(r: NewMonitorResult): Promise<number> {
    const info = this.db
      .prepare('INSERT INTO monitor_results (monitor, status, dataset_drift, share, report, error, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.monitor, r.status, r.datasetDrift === null ? null : Number(r.datasetDrift), r.share, r.report === null ? null : JSON.stringify(r.report), r.error, r.startedAt, r.finishedAt);
    return Number(info.lastInsertRowid);
  }

  async list(monitor: string, options: { limit: number; beforeId?: number }): Promise<MonitorResult[]> {
    const rows = this.db
      .prepare('SELECT * FROM monitor_results WHERE monitor = ? AND id < ? ORDER BY id DESC LIMIT ?')
      .all(monitor, options.beforeId ?? Number.MAX_SAFE_INTEGER, options.limit) as Row[];
    return rows.map(toResult);
  }
}
