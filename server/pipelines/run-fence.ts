import type { LeaseFence } from '../domain/snapshot.js';
import { LeaseLostError } from '../registry/commit-rules.js';
import type { LeaseStore } from '../registry/lease-store.js';
import { RUNNER_LEASE_PREFIX } from './runner-lease.js';

/** The runner lease `holder` holds now, as the fence of the run's commit; refuses to start without it. */
export async function takeFence(runId: number, holder: string, leases: LeaseStore): Promise<LeaseFence> {
  const lease = RUNNER_LEASE_PREFIX + holder;
  const epoch = await leases.epoch(lease, holder);
  const fence = { lease, holder, epoch: epoch ?? -1 };
  if (epoch === null) throw new LeaseLostError(runId, fence, `${holder} does not hold its lease '${lease}' at the start`);
  return fence;
}
