import type { Clock } from '../clock.js';
import { isSideRun, type RunRecord } from '../domain/run.js';
import type { Logger } from '../logger.js';
import { attemptNames } from './attempt-name.js';
import type { FileStore } from '../offline/file-store.js';
import type { RunStore } from '../registry/run-store.js';
import { DATASETS_DIR } from '../datasets/dataset-metadata.js';
import { FEATURE_LOG_ROOT } from '../feature-logging/log-files.js';

/** Folders under offline/ whose staged files no run writes. */
const NOT_RUNS = [`${DATASETS_DIR}/`, 'offline/logs/predictions/', 'offline/logs/outcomes/', `${FEATURE_LOG_ROOT}/`];

export interface RecoveryOptions {
  /** Holders of other processes known to be alive (their runner leases): their runs are not orphans. */
  liveHolders?: string[];
  /** Remove every staged `.tmp` file under offline/ (only when no run is being written anywhere). Default true. */
  sweepStaged?: boolean;
}

/**
 * After a crash: runs left `running` by a process that is gone (no live holder) are adopted by this
 * one, the files they wrote but never committed are removed (with every `.tmp` file), and then each
 * is taken over: queued again for any worker to finish when it has attempts left and committed
 * nothing, else failed (reason `interrupted`; a side run, a compaction's or a push's, is never queued
 * again: its rows were never acknowledged). Files go before the run is queued, so the worker that
 * takes it over never sees them. A run that committed its snapshot before dying keeps its files.
 * Returns the runs taken over or failed.
 */
export async function recoverInterrupted(runs: RunStore, files: FileStore, holder: string, clock: Clock, logger: Logger, options: RecoveryOptions = {}): Promise<number[]> {
  const liveHolders = options.liveHolders ?? [];
  const orphans = await runs.adoptOrphans([holder, ...liveHolders], holder);
  for (const run of orphans) {
    const removed = await removeUncommitted(runs, files, run);
    const cause = `the process running it (${run.holder ?? 'unknown'}) stopped before the run finished`;
    const now = clock.now();
    const retry = !isSideRun(run.trigger) && run.snapshotId === null && run.attempt < run.maxAttempts;
    if (retry) await runs.requeue(run.id, now, `${cause}: taken over`);
    else await runs.fail(run.id, 'interrupted', cause, now);
    logger.warn(
      { runId: run.id, featureView: run.featureView, deadHolder: run.holder, removedFiles: removed, attempt: run.attempt },
      retry ? 'run of a process that died: its uncommitted files removed, queued again for another worker' : 'run interrupted by a crash: marked failed, its uncommitted files removed',
    );
  }
  // Every staged file of a run, when no run can be writing one (this process starting to lead, nothing
  // running here). Datasets, prediction logs, outcomes and feature logs are written by API processes, which no run
  // lease covers: theirs stay (the log compaction pass sweeps the logs' by age, staged-sweep.ts; the
  // feature log's too, feature-log-sweep.ts).
  if (options.sweepStaged ?? true) for (const file of await files.list('offline')) if (file.endsWith('.tmp') && !NOT_RUNS.some((dir) => file.startsWith(dir))) await files.remove(file);
  return orphans.map((r) => r.id);
}

async function removeUncommitted(runs: RunStore, files: FileStore, run: RunRecord): Promise<number> {
  const committed = new Set(run.snapshotId === null ? [] : ((await runs.snapshot(run.snapshotId))?.files ?? []));
  // Files of the old layout (`date=.../<runId>-<part>.parquet`) and of the current one
  // (`run=<runId>/part-<k>.parquet`, a later attempt's `run=<runId>-a<n>/`: attempt-name.ts).
  const mine = new RegExp(`(/${run.id}-\\d+|/run=${run.id}(?:-a\\d+)?/part-\\d+)\\.parquet(\\.[0-9a-f]+\\.tmp)?$`);
  const written = (await files.list(`offline/${run.featureView}/v${run.version}`)).filter((f) => mine.test(f) && !committed.has(f));
  for (const file of written) await files.remove(file);
  // An attempt that committed nothing owns its whole folder: remove it, empty or not, so no `run=<id>/`
  // of an uncommitted attempt stays behind for a reader or an operator to wonder about.
  const base = `offline/${run.featureView}/v${run.version}/`;
  for (const folder of attemptNames('run=', run)) if (![...committed].some((f) => f.startsWith(`${base}${folder}/`))) await files.remove(`${base}${folder}`);
  for (const folder of attemptNames('run-', run)) await files.remove(`tmp/${folder}`);
  return written.length;
}

/**
 * Spill folders (`tmp/run-<id>`, a later attempt's `tmp/run-<id>-a<n>`) in this process's data dir of
 * runs that are not running: a process killed mid-run leaves its spill in its own data dir, and the
 * process that takes the run over cleans its own, not this one. Called before this process runs
 * anything; a running run's folder stays (another process may share this data dir).
 */
export async function sweepSpills(runs: RunStore, files: FileStore): Promise<string[]> {
  const folders = new Map<string, number>();
  for (const file of await files.list('tmp')) {
    const m = /^tmp\/(run-(\d+)(?:-a\d+)?)\//.exec(file);
    if (m) folders.set(m[1], Number(m[2]));
  }
  const removed: string[] = [];
  for (const [folder, id] of folders) {
    if ((await runs.get(id))?.status === 'running') continue;
    await files.remove(`tmp/${folder}`);
    removed.push(folder);
  }
  return removed;
}
