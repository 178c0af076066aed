import type { NewRun, RunRecord, RunStatus, RunStep, SideRunTrigger } from '../domain/run.js';
import type { SnapshotCommit, SnapshotRecord, SnapshotReplacement } from '../domain/snapshot.js';

/**
 * The durable run queue, run history, snapshots, watermarks and ffill carry: one part of a
 * `RegistryBackend`. Contract, proved for every backend by `test/registry/run-store.contract.ts`:
 * - At most one queued-or-running run per view: `enqueue` of a second is a `conflict`, whichever
 *   processes race. `enqueueAll` queues several runs all or none, in one transaction; `enqueueRefit`
 *   adds a refit version and queues its run, both or neither.
 * - `claim` moves one due queued run to running for a holder, atomically: two claimers (in any
 *   processes) never get the same run.
 * - `commitSnapshot` writes the snapshot, the watermark (only ever forward), the version's fitted
 *   state (bumping the catalog revision), the carry and the run's counters in one transaction: readers
 *   see all of it or none of it. It commits only for a run still running (a run whose view was deleted
 *   commits nothing), so a run's snapshot is committed at most once.
 * - A commit with a `fence` happens only while the run is held by the fence's holder and that holder
 *   still holds the fence's lease at the fence's epoch (checked in the commit's transaction).
 * - `adoptOrphans` hands the running runs whose holder is gone to a new holder (recovery), atomically:
 *   two recovering processes never adopt the same run; the caller then requeues or fails each one.
 * - `replaceSnapshots` (compaction) commits one snapshot in place of several, in one transaction:
 *   the replaced ones must all be live snapshots of the version, contiguous in its snapshot order,
 *   and the compaction run still running; the new one takes their place in the order (later
 *   snapshots still come after it), they become retired (`replacedBy`), and readers see either all
 *   of them or the new one, never both. A second replacement of any of them is a `conflict`.
 * - `snapshots` lists a version's live snapshots in order; with `retired`, the replaced ones too
 *   (what a dataset pinned before a compaction reads).
 */
export interface RunStore {
  enqueue(run: NewRun, now: number): Promise<RunRecord>;
  /**
   * Queues `runs` (one per view) in one transaction, all or none: when any of their views has an
   * active run (or is listed twice), however close the race with another process, none is queued and
   * it is a `conflict` naming the refused run's entry of `fields` (its request's field; `'name'` when
   * none is given). Answers the records in the order of `runs`. `enqueue` is `enqueueAll` of one run.
   */
  enqueueAll(runs: NewRun[], now: number, fields?: string[]): Promise<RunRecord[]>;
  /**
   * A refit: adds the view's next version (its latest definition, no fitted state; the catalog's
   * `addRefitVersion`) and queues `run` for it, in one transaction, all or none: when the view has an
   * active run it is that `conflict` (field `name`) and no version is added; `not_found` without the view.
   */
  enqueueRefit(run: Omit<NewRun, 'version'>, now: number): Promise<RunRecord>;
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
    /** Only while the run is running and held by this holder (a run taken over is left to its new holder). */
    heldBy?: string,
  ): Promise<void>;
  /** Only a running run succeeds: one failed meanwhile (its view deleted) stays failed. */
  succeed(id: number, now: number, steps: RunStep[]): Promise<void>;
  commitSnapshot(commit: SnapshotCommit, now: number): Promise<number>;
  markOnlineSynced(snapshotIds: number[]): Promise<void>;
  /**
   * Makes `holder` the holder of the running runs not held by any of `liveHolders` (and not by
   * `holder`); returns them as they were, with the holder that died.
   */
  adoptOrphans(liveHolders: string[], holder: string): Promise<RunRecord[]>;
  /** A version's live snapshots in snapshot order (oldest first); `retired` adds the replaced ones. */
  snapshots(featureView: string, version: number, options?: { retired?: boolean }): Promise<SnapshotRecord[]>;
  /**
   * Records a side run of a view version (a compaction, a push's commit) as a running run of `holder`:
   * never the view's active run, so it neither waits for nor holds up a materialization.
   */
  beginSideRun(featureView: string, version: number, trigger: SideRunTrigger, holder: string, now: number): Promise<RunRecord>;
  /** Commits a compaction: returns the new snapshot's id. */
  replaceSnapshots(replacement: SnapshotReplacement, now: number): Promise<number>;
  /** Replaced snapshots whose files are still on disk, retired at or before `before`. */
  retiredSnapshots(before: number): Promise<SnapshotRecord[]>;
  /** Records that a retired snapshot's files were removed. */
  markFilesRemoved(snapshotIds: number[]): Promise<void>;
  snapshot(id: number): Promise<SnapshotRecord | null>;
  watermark(featureView: string, version: number): Promise<number | null>;
  carry(featureView: string, version: number): Promise<Record<string, Map<string, number | string>>>;
}
