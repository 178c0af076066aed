import type { LeaseFence, SnapshotCommit } from '../domain/snapshot.js';
import { TesseraError, conflict } from '../errors.js';

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

/**
 * A commit fenced by a lease its holder no longer holds (at the epoch it started under), or of a run
 * taken over by another holder: a worker cut off from the registry for longer than its lease may wake
 * up after its run was given to another, and must not commit beside it.
 */
export class LeaseLostError extends TesseraError {
  constructor(
    readonly runId: number,
    readonly fence: LeaseFence,
    why: string,
  ) {
    super('conflict', `run ${runId}: ${why}; nothing was committed`);
  }
}

/**
 * Checks a commit's fence inside the commit's transaction; `leaseLive` says whether the lease row
 * matched. A run whose view was deleted has no holder (the deletion let go of it), and nobody took it
 * over: `refuseCommit` says why it commits nothing.
 */
export function refuseFence(c: Pick<SnapshotCommit, 'runId' | 'fence'>, run: { holder: string | null; reason: string | null } | undefined, leaseLive: boolean): void {
  const fence = c.fence;
  if (!fence || run?.reason === 'deleted') return;
  const runHolder = run?.holder ?? null;
  if (runHolder !== fence.holder) {
    throw new LeaseLostError(c.runId, fence, `${fence.holder} no longer holds the run (it was taken over${runHolder ? ` by ${runHolder}` : ''})`);
  }
  if (!leaseLive) throw new LeaseLostError(c.runId, fence, `${fence.holder} lost its lease '${fence.lease}' (epoch ${fence.epoch}) before the commit`);
}
