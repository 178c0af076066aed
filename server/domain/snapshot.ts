import type { FittedState } from './feature-view-version.js';
import type { RunStep } from './run.js';

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

/** A committed snapshot: the unit of visibility of a view version's offline rows. */
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
  /** The compacted snapshot that took this one's place, or null while it is live. */
  replacedBy: number | null;
}

/** What a compaction commits: one snapshot taking the place of `replaced` (live, contiguous in order). */
export interface SnapshotReplacement {
  /** The compaction's run (trigger `compaction`), still running. */
  runId: number;
  featureView: string;
  version: number;
  replaced: number[];
  rows: number;
  minEventTs: number | null;
  maxEventTs: number | null;
  files: string[];
  stats: Record<string, ColumnStatistics>;
  steps: RunStep[];
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
  /** When given, the commit happens only while the run's holder still holds this lease at this epoch. */
  fence?: LeaseFence;
}

/**
 * A lease as its holder took it: `epoch` is the lease's acquisition time, which changes whenever the
 * lease is taken anew (after a release, or after another holder had it). A holder that lost its lease
 * holds a different epoch afterwards, or none: what its run started under is gone.
 *
 * Expiry alone does not break a fence: a run whose holder's lease expired is taken over by recovery,
 * which makes another process its holder, and the commit checks the run's holder in the same
 * transaction. A lease that expired while nobody acted on it fenced nothing off.
 */
export interface LeaseFence {
  lease: string;
  holder: string;
  epoch: number;
}
