import { type TesseraError, conflict } from '../errors.js';

/**
 * A view's active run, in SQL: queued or running, and not a side run (a compaction or a push's commit
 * runs beside it). The unique index `runs_one_active_per_view` holds the same rule.
 */
export const ACTIVE_RUN = "status IN ('queued', 'running') AND trigger NOT IN ('compaction', 'push')";

/** The conflict of a run refused because its view has `active`; `path` is the request's field naming the view. */
export function activeRunConflict(view: string, active: { id: number; status: string }, path: string): TesseraError {
  return conflict(`feature view '${view}' already has a ${active.status} run (${active.id}); a view never runs twice at once`, [{ path, message: `run ${active.id} is ${active.status}` }]);
}
