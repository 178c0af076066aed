import type { RunRecord } from '../../domain/run.js';
import { type ErrorCode, TesseraError } from '../../errors.js';
import { isErrorCode } from '../problem.js';

/** Run failure reasons that are not error codes, as the code a request failing for them gets. */
const REASON_CODES: Record<string, ErrorCode> = {
  online_store_error: 'unavailable',
  lease_lost: 'unavailable',
  interrupted: 'unavailable',
  deleted: 'conflict',
};

/**
 * The error a synchronous Feast `/materialize` (or `-incremental`) answers when one of its runs failed.
 * Feast's server raises when a view fails to materialize (FastAPI answers 500), and its remote client
 * raises only on a status of 400 or more: a 200 would report the failed materialization as done. The
 * status is the first failed run's (a source error 502, a strict view's failed validation 422, an
 * online store that failed 503); the problem document also carries every run's record.
 */
export function failedMaterialization(done: readonly RunRecord[], views: readonly string[], listed: boolean): TesseraError | null {
  const at = done.findIndex((r) => r.status === 'failed');
  if (at < 0) return null;
  const run = done[at];
  const reason = run.reason ?? 'internal';
  const code = isErrorCode(reason) ? reason : (REASON_CODES[reason] ?? 'internal');
  const others = done.filter((r) => r.status === 'failed').length - 1;
  return new TesseraError(code, `feature view '${run.featureView}' failed to materialize (run ${run.id}, ${reason}): ${run.error ?? 'no message'}${others > 0 ? `; ${others} more failed` : ''}`, [
    { path: listed ? `feature_views[${views.indexOf(run.featureView)}]` : 'feature_views', message: `run ${run.id} failed (${reason})` },
  ]);
}
