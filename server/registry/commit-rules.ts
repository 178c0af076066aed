import type { SnapshotCommit } from '../domain/snapshot.js';
import { conflict } from '../errors.js';

/**
 * Whether a run may commit its snapshot, decided inside the commit's transaction by every backend: it
 * must still be running (a run of a deleted view, or one failed meanwhile, commits nothing) and must
 * not have committed already (a run commits one snapshot, once).
 */
export function refuseCommit(c: Pick<SnapshotCommit, 'runId' | 'featureView'>, run: { status: string; reason: string | null; snapshotId: number | null } | undefined): void {
  if (run?.status !== 'running') {
    const why = run?.reason === 'deleted' ? `feature view '${c.featureView}' was deleted during the run` : `run ${c.runId} is no longer running`;
    throw conflict(`${why}: its snapshot is not committed`);
  }
  if (run.snapshotId !== null) throw conflict(`run ${c.runId} committed snapshot ${run.snapshotId} already: a run commits one snapshot`);
}
