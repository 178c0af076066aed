import type { RunRecord } from '../domain/run.js';
import { TesseraError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { LeaseLostError } from '../registry/commit-rules.js';
import { deletedMidRun } from './deleted-mid-run.js';
import type { MaterializeDeps, RunOutcome } from './materialize.js';
import type { RejectsWriter } from './rejects-writer.js';
import type { SnapshotBuilder } from './snapshot-builder.js';
import type { SpillFile } from './spill.js';
import type { Stopwatch } from './stopwatch.js';

/** What a run had under way when it threw: dropped or closed before its failure is recorded. */
export interface FailedAttempt {
  run: RunRecord;
  /** The staged snapshot, when it was not committed. */
  builder: SnapshotBuilder | null;
  spill: SpillFile | null;
  rejects: RejectsWriter;
  rowsIn: number;
  watch: Stopwatch;
  log: Logger;
  current: () => Promise<RunRecord>;
}

/**
 * Ends a run that threw `e`: drops what it staged, then leaves it as its view's deletion left it, or
 * fails it (lease lost, or any other error) or requeues it (a source error with attempts left).
 */
export async function recordFailure(e: unknown, a: FailedAttempt, deps: MaterializeDeps): Promise<RunOutcome> {
  const { run, builder, spill, rejects, rowsIn, watch, log, current } = a;
  await builder?.abort().catch(() => undefined);
  spill?.remove();
  const rejectsFile = await rejects.close().catch(() => null);
  const deleted = await deletedMidRun(deps.runs, run, log);
  if (deleted) return deleted;
  const code = e instanceof TesseraError ? e.code : 'internal';
  const message = errorMessage(e);
  if (!(e instanceof TesseraError)) log.error({ err: e }, 'run failed with an unexpected error');
  if (e instanceof LeaseLostError) {
    // Failed only while still ours: a run taken over belongs to its new holder.
    log.warn({ err: message }, 'lease lost: the run is not committed');
    await deps.runs.fail(
      run.id,
      'lease_lost',
      message,
      deps.clock.now(),
      { steps: watch.steps(), rowsIn, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile },
      e.fence.holder,
    );
    return { status: 'failed', run: await current() };
  }
  if (code === 'source_error' && run.attempt < run.maxAttempts) {
    const delay = deps.retryDelayMs * 2 ** (run.attempt - 1);
    log.warn({ attempt: run.attempt, delay, err: message }, 'source error: retrying');
    await deps.runs.requeue(run.id, deps.clock.now() + delay, message);
    return { status: 'requeued', run: await current() };
  }
  log.warn({ reason: code, err: message }, 'run failed');
  await deps.runs.fail(run.id, code, message, deps.clock.now(), { steps: watch.steps(), rowsIn, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile });
  return { status: 'failed', run: await current() };
}
