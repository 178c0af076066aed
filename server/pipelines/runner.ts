import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunOutcome } from './materialize.js';
import type { RunRecord } from '../domain/run.js';
import type { RunStore } from '../registry/run-store.js';

/** Executes a claimed run somewhere: in this thread (tests, the CLI) or in a worker thread (serve). */
export interface RunExecutor {
  execute(run: RunRecord): Promise<RunOutcome>;
  close(): Promise<void>;
}

/**
 * Drains the durable run queue: claims the next due run, executes it, repeats; sleeps `pollMs` when
 * the queue is empty (or until `wake()`). Only the process holding the scheduler lease runs one.
 */
export class Runner {
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly finished = new Set<(run: RunRecord) => void>();

  constructor(
    private readonly runs: RunStore,
    private readonly executor: RunExecutor,
    private readonly holder: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs = 500,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.drain();
  }

  /** Stops claiming; resolves when the run in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** Calls `listener` with every run this runner finishes (succeeded, failed or requeued). */
  onFinished(listener: (run: RunRecord) => void): () => void {
    this.finished.add(listener);
    return () => this.finished.delete(listener);
  }

  private async recordFailure(run: RunRecord, error: string): Promise<void> {
    const recorded = await retryUntil(
      () => this.running,
      this.pollMs,
      () => this.runs.fail(run.id, 'internal', error, this.clock.now()),
    );
    if (!recorded) this.logger.warn({ runId: run.id }, 'could not record the failure of a run: it is taken over once this process is gone');
  }

  private async drain(): Promise<void> {
    while (this.running) {
      let run: RunRecord | null = null;
      try {
        run = await this.runs.claim(this.holder, this.clock.now());
      } catch (e) {
        this.logger.error({ err: e }, 'cannot claim a run');
      }
      if (!run) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
        continue;
      }
      let result: RunRecord = run;
      try {
        result = (await this.executor.execute(run)).run;
      } catch (e) {
        // The executor itself broke (a worker thread died): the run cannot have committed.
        this.logger.error({ err: e, runId: run.id }, 'run executor failed');
        await this.recordFailure(run, `the pipeline worker failed: ${errorMessage(e)}`);
        result = (await this.runs.get(run.id).catch(() => null)) ?? run;
      }
      for (const listener of this.finished) {
        // A listener's failure is its own: it must not end the loop that runs every later run.
        try {
          listener(result);
        } catch (e) {
          this.logger.error({ err: e, runId: result.id }, 'a run-finished listener failed');
        }
      }
    }
  }
}

/**
 * Marks a run this runner holds as failed, trying again while the registry does not answer (a run left
 * `running` by a live process would never be taken over). Gives up when the runner stops: the run is
 * then taken over once this process's runner lease expires.
 */
async function retryUntil(running: () => boolean, pollMs: number, attempt: () => Promise<void>): Promise<boolean> {
  for (;;) {
    try {
      await attempt();
      return true;
    } catch {
      if (!running()) return false;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/** Runs in the calling thread. */
export function inlineExecutor(execute: (run: RunRecord) => Promise<RunOutcome>): RunExecutor {
  return { execute, close: async () => {} };
}
