import type { Logger } from '../logger.js';
import type { LeaseStore } from '../registry/lease-store.js';

/** Every process that executes runs holds a lease named this prefix + its holder while it does. */
export const RUNNER_LEASE_PREFIX = 'runner:';

/**
 * Says "this process is alive and may be running runs": a lease renewed every third of its lifetime.
 * When the process dies (kill -9, a lost machine) the lease expires, and the scheduler's holder takes
 * its running runs over (`recoverInterrupted`). Expiry is on the registry's clock.
 */
export class RunnerLease {
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly leases: LeaseStore,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void (this.renewing = this.renewing.then(() => this.renew())), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.renewing;
    await this.leases.release(RUNNER_LEASE_PREFIX + this.holder, this.holder).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    try {
      if (!(await this.leases.tryAcquire(RUNNER_LEASE_PREFIX + this.holder, this.holder, this.ttlMs))) {
        this.logger.warn({ holder: this.holder }, 'runner lease held by another process: holder names collide');
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'runner lease renewal failed');
    }
  }
}
