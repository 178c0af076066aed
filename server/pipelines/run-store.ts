import type { FittedState } from '../registry/catalog.js';

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type RunTrigger = 'manual' | 'schedule' | 'cli' | 'refit';

export interface RunStep {
  name: string;
  ms: number;
}

export interface RunRecord {
  id: number;
  featureView: string;
  version: number;
  status: RunStatus;
  trigger: RunTrigger;
  /** Failure reason code: interrupted, source_error, transform_error, online_store_error, internal. */
  reason: string | null;
  error: string | null;
  /** The backfill window asked for (epoch ms), or null for an incremental run. */
  start: number | null;
  end: number | null;
  /** The window read: windowStart < ts <= windowEnd (windowStart null = from the beginning). */
  windowStart: number | null;
  windowEnd: number | null;
  attempt: number;
  maxAttempts: number;
  notBefore: number;
  holder: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
  rejectsByReason: Record<string, number>;
  rejectsFile: string | null;
  snapshotId: number | null;
  steps: RunStep[];
}

/** Statistics of one output column over a snapshot's rows. */
export interface ColumnStatistics {
  count: number;
  nulls: number;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  distinct: number;
  top: { value: string | number; count: number }[];
  histogram: { min: number; max: number; counts: number[]; estimated: boolean } | null;
}

export interface SnapshotRecord {
  id: number;
  featureView: string;
  version: number;
  runId: number;
  rows: number;
  windowStart: number | null;
  windowEnd: number;
  watermark: number | null;
  minEventTs: number | null;
  maxEventTs: number | null;
  /** Paths relative to the data dir. */
  files: string[];
  stats: Record<string, ColumnStatistics>;
  onlineSynced: boolean;
  committedAt: number;
}

export interface NewRun {
  featureView: string;
  version: number;
  trigger: RunTrigger;
  start: number | null;
  end: number | null;
  maxAttempts: number;
}

/** Everything a successful run commits at once. */
export interface SnapshotCommit {
  runId: number;
  featureView: string;
  version: number;
  rows: number;
  windowStart: number | null;
  windowEnd: number;
  minEventTs: number | null;
  maxEventTs: number | null;
  files: string[];
  stats: Record<string, ColumnStatistics>;
  /** Move the watermark to this value (only ever forward), or leave it. */
  watermark: number | null;
  /** The version's fitted state, when this run fitted it. */
  fittedState: FittedState | null;
  /** ffill carry per feature: entity key -> last value. */
  carry: Record<string, Map<string, number | string>>;
  counts: { rowsIn: number; rowsOut: number; rowsRejected: number; rejectsByReason: Record<string, number>; rejectsFile: string | null };
  steps: RunStep[];
}

/**
 * The durable run queue, run history, snapshots and watermarks. Implementation: SQLite in
 * registry.db (`server/registry/sqlite-run-store.ts`); PostgreSQL later. Contract:
 * - At most one queued-or-running run per view: `enqueue` of a second is a `conflict`.
 * - `claim` moves one due queued run to running for a holder, atomically: two claimers never get
 *   the same run.
 * - `commitSnapshot` writes the snapshot, watermark, fitted state, carry and run counters in one
 *   transaction: readers see all of it or none of it.
 * - `interruptOrphans` marks running runs whose holder is gone as failed (`interrupted`).
 */
export interface RunStore {
  enqueue(run: NewRun, now: number): Promise<RunRecord>;
  claim(holder: string, now: number, runId?: number): Promise<RunRecord | null>;
  get(id: number): Promise<RunRecord | null>;
  list(filter: { featureView?: string; status?: RunStatus; limit: number; beforeId?: number }): Promise<RunRecord[]>;
  /** Puts a failed attempt back in the queue, due at `notBefore`. */
  requeue(id: number, notBefore: number, error: string): Promise<void>;
  fail(
    id: number,
    reason: string,
    error: string,
    now: number,
    partial?: Partial<Pick<RunRecord, 'steps' | 'rowsIn' | 'rowsRejected' | 'rejectsByReason' | 'rejectsFile' | 'snapshotId'>>,
  ): Promise<void>;
  succeed(id: number, now: number, steps: RunStep[]): Promise<void>;
  commitSnapshot(commit: SnapshotCommit, now: number): Promise<number>;
  markOnlineSynced(snapshotIds: number[]): Promise<void>;
  /** Marks running runs not held by any of `liveHolders` as failed/interrupted; returns them. */
  interruptOrphans(liveHolders: string[], now: number): Promise<RunRecord[]>;
  snapshots(featureView: string, version: number): Promise<SnapshotRecord[]>;
  snapshot(id: number): Promise<SnapshotRecord | null>;
  watermark(featureView: string, version: number): Promise<number | null>;
  carry(featureView: string, version: number): Promise<Record<string, Map<string, number | string>>>;
}
