import type { Logger } from '../logger.js';
import type { Evaluation } from './alert-evaluator.js';

/** Evaluates the alert rules every `intervalMs` while started (the scheduler lease holder only); `stop` waits for the evaluation under way. */
export class AlertLoop {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly alerts: { evaluate(): Promise<Evaluation> },
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || !this.stopped) return;
    this.stopped = false;
    const tick = () => {
      this.pass = this.alerts
        .evaluate()
        .then((e) => {
          if (e.fired.length || e.resolved.length) this.logger.info({ fired: e.fired.length, resolved: e.resolved.length }, 'alerts evaluated');
        })
        .catch((e: unknown) => this.logger.warn({ err: e }, 'alert evaluation failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.intervalMs).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }
}
