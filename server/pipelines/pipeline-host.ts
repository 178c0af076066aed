import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { compactor, materializeDeps } from '../services.js';
import { CompactionLoop } from './compaction/compaction-loop.js';
import { Leadership } from './leadership.js';
import { executeRun } from './materialize.js';
import { PipelineService } from './pipeline-service.js';
import { recoverInterrupted } from './recovery.js';
import { Runner, type RunExecutor, inlineExecutor } from './runner.js';
import { type CronSchedule, Scheduler } from './scheduler.js';
import { WorkerExecutor } from './worker-executor.js';

/**
 * Pipelines in a serving process: every process can queue runs; the one holding the scheduler lease
 * also recovers interrupted runs, runs the schedules and drains the queue (in a worker thread).
 */
export class PipelineHost {
  readonly holder = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly service: PipelineService;
  private readonly leadership: Leadership;
  private readonly executor: RunExecutor;
  private readonly runner: Runner;
  private readonly scheduler: Scheduler;
  private readonly compaction: CompactionLoop;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    logger: Logger = services.logger,
    options: { cron?: CronSchedule } = {},
  ) {
    const { config, clock } = services;
    this.executor = config.pipelineThread ? new WorkerExecutor(config, logger) : inlineExecutor((run) => executeRun(run, materializeDeps(services)));
    this.runner = new Runner(services.runs, this.executor, this.holder, clock, logger, config.pollMs);
    // A run in a worker thread may have fitted a version: this thread's catalog must show it now.
    this.runner.onFinished(() => void services.catalog.refresh().catch((e: unknown) => logger.warn({ err: e }, 'catalog refresh failed')));
    this.service = new PipelineService({
      catalog: services.catalog,
      catalogStore: services.catalogStore,
      runs: services.runs,
      clock,
      maxAttempts: config.runAttempts,
      wake: () => this.runner.wake(),
    });
    this.compaction = new CompactionLoop(compactor(services, this.holder), config.compactionIntervalMs, logger);
    this.scheduler = new Scheduler(async (view) => void (await this.service.materialize(view, { trigger: 'schedule' })), logger, options.cron);
    this.leadership = new Leadership(services.leases, this.holder, config.leaseMs, logger, {
      gained: async () => {
        await recoverInterrupted(services.runs, services.files, this.holder, clock, logger);
        this.scheduler.sync(await services.catalog.get());
        await this.catchUp(logger);
        this.unsubscribe = services.catalog.onChange((catalog) => {
          this.scheduler.sync(catalog);
          void this.catchUp(logger).catch((e: unknown) => logger.warn({ err: e }, 'catch-up runs failed to queue'));
        });
        this.runner.start();
        this.compaction.start();
      },
      lost: async () => {
        this.unsubscribe?.();
        this.scheduler.stop();
        await this.compaction.stop();
        await this.runner.stop();
      },
    });
  }

  /**
   * A scheduled view whose latest version has never been materialized is due now, not at its next
   * tick: after `npm start`, after a new version. One run each; the schedule takes over from there.
   */
  private async catchUp(logger: Logger): Promise<void> {
    for (const view of (await this.services.catalog.get()).featureViews.values()) {
      if (!view.metadata.schedule) continue;
      const latest = view.versions[view.versions.length - 1].version;
      if ((await this.services.runs.snapshots(view.name, latest)).length > 0) continue;
      try {
        await this.service.materialize(view.name, { trigger: 'schedule' });
        logger.info({ featureView: view.name, version: latest }, 'never materialized: first scheduled run queued now');
      } catch {
        // Already queued or running.
      }
    }
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  scheduled(): string[] {
    return this.scheduler.scheduled();
  }

  async start(): Promise<void> {
    if (this.services.config.scheduler) await this.leadership.start();
  }

  /** Stops scheduling and claiming; waits for the run in progress; releases the lease. */
  async stop(): Promise<void> {
    await this.leadership.stop();
    await this.executor.close();
  }
}
