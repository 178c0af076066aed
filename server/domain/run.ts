export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed';
/**
 * `compaction`: a background merge of small snapshots; `push`: one group commit of pushed rows. Both
 * are side runs: never a view's active run, never queued or retried.
 */
export type RunTrigger = 'manual' | 'schedule' | 'cli' | 'refit' | SideRunTrigger;
export type SideRunTrigger = 'compaction' | 'push';

export function isSideRun(trigger: RunTrigger): trigger is SideRunTrigger {
  return trigger === 'compaction' || trigger === 'push';
}

export interface RunStep {
  name: string;
  ms: number;
}

/** A pipeline run: queued, claimed by a worker, then succeeded or failed (docs/semantics.md, "Pipeline run"). */
export interface RunRecord {
  id: number;
  featureView: string;
  version: number;
  status: RunStatus;
  trigger: RunTrigger;
  /** Failure reason code: interrupted, lease_lost, source_error, source_refused, transform_error, validation_failed, online_store_error, internal. */
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

export interface NewRun {
  featureView: string;
  version: number;
  trigger: RunTrigger;
  start: number | null;
  end: number | null;
  maxAttempts: number;
}
