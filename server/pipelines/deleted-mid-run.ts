import type { RunRecord } from '../domain/run.js';
import type { Logger } from '../logger.js';
import type { RunStore } from '../registry/run-store.js';
import type { RunOutcome } from './materialize.js';

/**
 * The outcome of a run whose feature view was deleted while it executed, or null when it was not. The
 * deletion failed the run (reason `deleted`) and then removed the view's files: whatever broke the run
 * after (its commit refused, a file gone under it) is the deletion, not a fault to log as one, and the
 * record stays as the deletion left it.
 */
export async function deletedMidRun(runs: RunStore, run: RunRecord, log: Logger): Promise<RunOutcome | null> {
  // A registry that does not answer now: the caller records the failure as it would have.
  const stored = await runs.get(run.id).catch(() => null);
  if (stored?.status !== 'failed' || stored.reason !== 'deleted') return null;
  log.info({ reason: 'deleted' }, 'feature view deleted during the run: the run ends there, failed (reason deleted)');
  return { status: 'failed', run: stored };
}

/** Whether the deletion of the run's view has failed it (the deletion's registry transaction did). */
export async function deletedDuring(run: RunRecord, runs: RunStore): Promise<boolean> {
  const stored = await runs.get(run.id);
  return stored?.status === 'failed' && stored.reason === 'deleted';
}

/** What a failed drop-again leaves: rows that a view created again under the name would serve. */
export function deletedTableKept(view: string, version: number): string {
  return `the deleted feature view '${view}' was written online during its deletion and its online table (version ${version}) could not be dropped again: its rows stay there. A view created again as '${view}' would serve them at its version ${version}: delete it once more when the online store answers (its deletion drops the table)`;
}
