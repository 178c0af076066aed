/**
 * Named leases with expiry, on the registry's clock: the holder renews a lease well before it
 * expires; when the holder dies, another process takes it over once it has expired. Runs exactly one
 * scheduler per deployment. Contract, proved for every backend by `test/registry/lease-store.contract.ts`:
 * - `tryAcquire` takes a free or expired lease, or renews one `holder` holds; it is refused while
 *   another holder's lease runs. Two processes racing for a free lease: exactly one gets it.
 * - The epoch changes whenever the lease is taken anew, so a fence (`LeaseFence`) taken under one epoch
 *   fails once the lease was released or taken by another, even if its holder took it back.
 * - Expiry is decided by the backend's clock (the database's for PostgreSQL), never by the callers',
 *   so machines whose clocks disagree still agree on who holds a lease.
 */
export interface LeaseStore {
  /** Takes or renews the lease; true when `holder` now holds it for `ttlMs`. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  holderOf(name: string): Promise<string | null>;
  /**
   * The epoch of `holder`'s lease (its acquisition time), or null when the lease is not `holder`'s.
   * Renewals keep the epoch, even past expiry while nobody else took the lease; taking it anew (after a
   * release, or after another holder had it) starts a new one.
   */
  epoch(name: string, holder: string): Promise<number | null>;
  /** The holders of the leases whose name starts with `prefix` and that have not expired. */
  live(prefix: string): Promise<string[]>;
}
