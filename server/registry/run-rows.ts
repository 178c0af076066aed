import type { RunRecord, RunStatus, RunStep } from '../domain/run.js';
import type { SnapshotRecord } from '../domain/snapshot.js';

/** The rows of the runs and snapshots tables (SQLite migrations 0002 and 0004, PostgreSQL 0001), and the records they stand for. */
export interface RunRow {
  id: number;
  view: string;
  version: number;
  status: RunStatus;
  trigger: RunRecord['trigger'];
  requested_start: number | null;
  requested_end: number | null;
  window_start: number | null;
  window_end: number | null;
  attempt: number;
  max_attempts: number;
  not_before: number;
  holder: string | null;
  reason: string | null;
  error: string | null;
  rows_in: number;
  rows_out: number;
  rows_rejected: number;
  rejects_by_reason: string;
  rejects_file: string | null;
  snapshot_id: number | null;
  steps: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface SnapshotRow {
  id: number;
  view: string;
  version: number;
  run_id: number;
  rows: number;
  window_start: number | null;
  window_end: number;
  watermark: number | null;
  min_event_ts: number | null;
  max_event_ts: number | null;
  files: string;
  stats: string;
  online_synced: number;
  committed_at: number;
  replaced_by: number | null;
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    featureView: r.view,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    reason: r.reason,
    error: r.error,
    start: r.requested_start,
    end: r.requested_end,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    attempt: r.attempt,
    maxAttempts: r.max_attempts,
    notBefore: r.not_before,
    holder: r.holder,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    rowsIn: r.rows_in,
    rowsOut: r.rows_out,
    rowsRejected: r.rows_rejected,
    rejectsByReason: JSON.parse(r.rejects_by_reason) as Record<string, number>,
    rejectsFile: r.rejects_file,
    snapshotId: r.snapshot_id,
    steps: JSON.parse(r.steps) as RunStep[],
  };
}

export function toSnapshot(r: SnapshotRow): SnapshotRecord {
  return {
    id: r.id,
    featureView: r.view,
    version: r.version,
    runId: r.run_id,
    rows: r.rows,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    watermark: r.watermark,
    minEventTs: r.min_event_ts,
    maxEventTs: r.max_event_ts,
    files: JSON.parse(r.files) as string[],
    stats: JSON.parse(r.stats) as SnapshotRecord['stats'],
    onlineSynced: r.online_synced === 1,
    committedAt: r.committed_at,
    replacedBy: r.replaced_by,
  };
}

/**
 * The values a failed run's row takes for steps, rows_in, rows_rejected, rejects_by_reason, rejects_file
 * and snapshot_id, in that order: what the failure reports, else what the run had.
 */
export function failedRunValues(partial: Partial<Pick<RunRecord, 'steps' | 'rowsIn' | 'rowsRejected' | 'rejectsByReason' | 'rejectsFile' | 'snapshotId'>>, current: RunRecord): unknown[] {
  return [
    JSON.stringify(partial.steps ?? current.steps),
    partial.rowsIn ?? current.rowsIn,
    partial.rowsRejected ?? current.rowsRejected,
    JSON.stringify(partial.rejectsByReason ?? current.rejectsByReason),
    partial.rejectsFile ?? current.rejectsFile,
    partial.snapshotId ?? current.snapshotId,
  ];
}
