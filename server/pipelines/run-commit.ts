import type { FittedState } from '../domain/feature-view-version.js';
import type { RunRecord } from '../domain/run.js';
import type { LeaseFence, SnapshotCommit } from '../domain/snapshot.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { deletedMidRun } from './deleted-mid-run.js';
import type { LatestRows } from './latest-rows.js';
import type { MaterializeDeps, RunOutcome } from './materialize.js';
import { syncOnline } from './online-sync.js';
import type { RejectsWriter } from './rejects-writer.js';
import type { RunPlan } from './run-plan.js';
import type { BuiltSnapshot } from './snapshot-builder.js';
import type { Stopwatch } from './stopwatch.js';

/** What a run's snapshot commit records, besides the built snapshot itself. */
export interface RunCommit {
  run: RunRecord;
  plan: RunPlan;
  snapshot: Omit<BuiltSnapshot, 'latest'>;
  fitted: FittedState | null;
  carry: SnapshotCommit['carry'];
  rowsIn: number;
  rejects: RejectsWriter;
  rejectsFile: string | null;
  fence: LeaseFence | undefined;
}

/** Commits a run's snapshot in one registry transaction (timed as the `commit` step); its id. */
export function commitRunSnapshot(c: RunCommit, deps: MaterializeDeps, watch: Stopwatch): Promise<number> {
  const { run, plan, snapshot, fitted, carry, rowsIn, rejects, rejectsFile, fence } = c;
  return watch.timeAsync('commit', () =>
    deps.runs.commitSnapshot(
      {
        runId: run.id,
        featureView: run.featureView,
        version: run.version,
        ...snapshot,
        windowStart: plan.range.start,
        windowEnd: plan.range.end,
        watermark: plan.advancesWatermark ? plan.range.end : null,
        fittedState: fitted,
        carry,
        counts: { rowsIn, rowsOut: snapshot.rows, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile },
        steps: watch.steps(),
        ...(fence ? { fence } : {}),
      },
      deps.clock.now(),
    ),
  );
}

/**
 * After the commit: writes the snapshot's latest rows online (`online`: the view is online and there
 * is a store), then marks the run succeeded. Its outcome, with the run as the registry has it now.
 */
export async function finishCommittedRun(
  run: RunRecord,
  snapshotId: number,
  latest: LatestRows,
  online: boolean,
  deps: MaterializeDeps,
  log: Logger,
  watch: Stopwatch,
  current: () => Promise<RunRecord>,
): Promise<RunOutcome> {
  if (online) {
    try {
      await watch.timeAsync('online', () => syncOnline(run, snapshotId, latest, deps, log));
    } catch (e) {
      const deleted = await deletedMidRun(deps.runs, run, log);
      if (deleted) return deleted;
      // The snapshot stays committed; the next run of this version writes it online again.
      log.error({ err: e }, 'online store write failed');
      await deps.runs.fail(run.id, 'online_store_error', `the snapshot was committed, but the online store write failed: ${errorMessage(e)}`, deps.clock.now(), { steps: watch.steps(), snapshotId });
      return { status: 'failed', run: await current() };
    }
  }
  await deps.runs.succeed(run.id, deps.clock.now(), watch.steps());
  const done = await current();
  // succeed leaves a run failed meanwhile as it is: its view deleted since the online write.
  if (done.status !== 'succeeded') return (await deletedMidRun(deps.runs, run, log)) ?? { status: 'failed', run: done };
  return { status: 'succeeded', run: done };
}
