import type { Logger } from '../../logger.js';
import type { Compactor } from './compactor.js';

/** Runs a compaction pass every `intervalMs` while started (the lease holder only); `stop` waits for the pass under way. */
export class CompactionLoop {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private abort: AbortController | null = null;

  constructor(
    private readonly compactor: Compactor,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer !== null) return;
    this.abort = new AbortController();
    const tick = () => {
      const signal = this.abort?.signal;
      this.pass = this.compactor
        .runOnce(signal)
        .then(() => undefined)
        .catch((e: unknown) => this.logger.warn({ err: e }, 'compaction pass failed'))
        .finally(() => {
          if (this.timer !== null && !signal?.aborted) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }
}
