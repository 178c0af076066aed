import type { DriftReport } from '../../monitoring/drift/drift-report.js';
import type { MonitorResult, MonitorResultStore, NewMonitorResult } from '../../monitoring/monitors/monitor-result-store.js';
import type { Queryable } from './pg-database.js';

interface Row {
  id: string;
  monitor: string;
  status: 'ok' | 'failed';
  dataset_drift: boolean | null;
  share: number | null;
  report: string | null;
  error: string | null;
  started_at: string;
  finished_at: string;
}

function toResult(r: Row): MonitorResult {
  return {
    id: Number(r.id),
    monitor: r.monitor,
    status: r.status,
    datasetDrift: r.dataset_drift,
    share: r.share,
    report: r.report === null ? null : (JSON.parse(r.report) as DriftReport),
    error: r.error,
    startedAt: Number(r.started_at),
    finishedAt: Number(r.finished_at),
  };
}

/** Monitor results on PostgreSQL (migration 0004). */
export class PgMonitorResultStore implements MonitorResultStore {
  constructor(private readonly db: Queryable) {}

  async add(r: NewMonitorResult): Promise<number> {
    const { rows } = await this.db.query<{ id: string }>(
      'INSERT INTO monitor_results (monitor, status, dataset_drift, share, report, error, started_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [r.monitor, r.status, r.datasetDrift, r.share, r.report === null ? null : JSON.stringify(r.report), r.error, r.startedAt, r.finishedAt],
    );
    return Number(rows[0].id);
  }

  async list(monitor: string, options: { limit: number; beforeId?: number }): Promise<MonitorResult[]> {
    const { rows } = await this.db.query<Row>('SELECT * FROM monitor_results WHERE monitor = $1 AND id < $2 ORDER BY id DESC LIMIT $3', [
      monitor,
      options.beforeId ?? Number.MAX_SAFE_INTEGER,
      options.limit,
    ]);
    return rows.map(toResult);
  }
}
