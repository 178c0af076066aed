import type { Logger } from '../logger.js';
import type { LeaseStore } from '../registry/lease-store.js';

export const SCHEDULER_LEASE = 'scheduler';

/**
 * Holds the scheduler lease for this process: renews it every third of its lifetime, and reports when
 * leadership is gained or lost. A holder that dies stops renewing; another process takes the lease
 * over once it expires. node-cron has no election, lock or failover of its own, hence this.
 */
export class Leadership {
  private timer: NodeJS.Timeout | null = null;
  private leading = false;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly leases: LeaseStore,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
    private readonly events: { gained: () => Promise<void>; lost: () => Promise<void> },
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries at once, then on a timer. Resolves after the first attempt (and its `gained`, if any). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void (this.ticking = this.ticking.then(() => this.tick())), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.leading) {
      this.leading = false;
      await this.events.lost();
      await this.leases.release(SCHEDULER_LEASE, this.holder);
    }
  }

  private async tick(): Promise<void> {
    let held: boolean;
    try {
      held = await this.leases.tryAcquire(SCHEDULER_LEASE, this.holder, this.ttlMs);
    } catch (e) {
      this.logger.warn({ err: e }, 'scheduler lease renewal failed');
      held = false;
    }
    if (held && !this.leading) {
      this.logger.info({ holder: this.holder }, 'this process now runs the scheduler and pipelines');
      try {
        await this.events.gained();
      } catch (e) {
        // Taking up reads the registry, which may be gone again. Thrown, this would leave the renewal
        // chain rejected (never leading again) and reach the process unhandled: undo what started, let
        // the lease go, and try again at the next renewal.
        this.logger.warn({ err: e }, 'taking up the scheduler failed; tried again at the next renewal');
        await this.lose();
        await this.leases.release(SCHEDULER_LEASE, this.holder).catch(() => undefined);
        return;
      }
      // Only once recovery and the schedules are in place does this process say it leads.
      this.leading = true;
    } else if (!held && this.leading) {
      this.leading = false;
      this.logger.warn({ holder: this.holder }, 'scheduler lease lost: stopping the scheduler and pipelines here');
      await this.lose();
    }
  }

  /** `lost`, whose failure is logged: the renewals must go on. */
  private async lose(): Promise<void> {
    try {
      await this.events.lost();
    } catch (e) {
      this.logger.error({ err: e }, 'stopping the scheduler and pipelines failed');
    }
  }
}
