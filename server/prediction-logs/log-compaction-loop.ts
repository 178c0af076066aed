import type { Logger } from '../logger.js';
import type { LeaseStore } from '../registry/lease-store.js';

/** One compaction job run in each pass: the prediction log's (`LogCompactor`), the outcomes' (`OutcomeCompactor`). */
export interface CompactionJob {
  runOnce(signal?: AbortSignal): Promise<unknown>;
}

/** The lease a compaction pass of the prediction log runs under: one pass at a time in a deployment. */
export const LOG_COMPACTION_LEASE = 'prediction-log-compaction';

/**
 * Runs the prediction log's compaction (and the outcome stream's, after it) every `intervalMs` while started (by the scheduler lease holder,
 * beside the offline compactor). Each pass also takes the `prediction-log-compaction` lease, so two
 * processes that both believe they lead (a lease handover) never compact the same files at once.
 */
export class LogCompactionLoop {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private abort: AbortController | null = null;

  constructor(
    private readonly jobs: CompactionJob[],
    private readonly leases: LeaseStore,
    private readonly holder: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer !== null) return;
    this.abort = new AbortController();
    const tick = () => {
      const signal = this.abort?.signal;
      this.pass = this.runPass(signal)
        .catch((e: unknown) => this.logger.warn({ err: e }, 'prediction log compaction failed'))
        .finally(() => {
          if (this.timer !== null && !signal?.aborted) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  private async runPass(signal?: AbortSignal): Promise<void> {
    if (!(await this.leases.tryAcquire(LOG_COMPACTION_LEASE, this.holder, Math.max(60_000, this.intervalMs * 3)))) return;
    try {
      for (const job of this.jobs) {
        if (signal?.aborted) break;
        await job.runOnce(signal);
      }
    } finally {
      await this.leases.release(LOG_COMPACTION_LEASE, this.holder);
    }
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }
}
