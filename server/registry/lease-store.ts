/**
 * Named leases with expiry, on the registry's clock: the holder renews a lease well before it
 * expires; when the holder dies, another process takes it over once it has expired. Runs exactly one
 * scheduler per deployment. Contract, proved for every backend by `test/registry/lease-store.contract.ts`:
 * - `tryAcquire` takes a free or expired lease, or renews one `holder` holds; it is refused while
 *   another holder's lease runs. Two processes racing for a free lease: exactly one gets it.
 * - Expiry is decided by the backend's clock (the database's for PostgreSQL), never by the callers',
 *   so machines whose clocks disagree still agree on who holds a lease.
 */
export interface LeaseStore {
  /** Takes or renews the lease; true when `holder` now holds it for `ttlMs`. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  holderOf(name: string): Promise<string | null>;
  /** The holders of the leases whose name starts with `prefix` and that have not expired. */
  live(prefix: string): Promise<string[]>;
}
