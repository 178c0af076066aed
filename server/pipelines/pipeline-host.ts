import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { closeAll } from '../close-all.js';
import { AlertLoop } from '../alerts/alert-loop.js';
import { MonitorScheduler } from '../monitoring/monitors/monitor-scheduler.js';
import type { RunRecord } from '../domain/run.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { compactor, logCompactionLoop, materializeDeps } from '../services.js';
import type { LogCompactionLoop } from '../prediction-logs/log-compaction-loop.js';
import { CompactionLoop } from './compaction/compaction-loop.js';
import { Leadership } from './leadership.js';
import { executeRun } from './materialize.js';
import { PipelineService } from './pipeline-service.js';
import { recoverInterrupted, sweepSpills } from './recovery.js';
import { Runner, type RunExecutor, inlineExecutor } from './runner.js';
import { RUNNER_LEASE_PREFIX, RunnerLease } from './runner-lease.js';
import { type CronSchedule, Scheduler } from './scheduler.js';
import { WorkerExecutor } from './worker-executor.js';

/**
 * Pipelines in a serving process. Every process can queue runs. By role (`TESSERA_ROLE`):
 * - `all` (the default, one machine): the process holding the scheduler lease recovers interrupted
 *   runs, runs the schedules, compaction and alert evaluation, and drains the queue (in a worker thread).
 * - `worker`: every worker process drains the queue (runs are claimed with SKIP LOCKED on PostgreSQL,
 *   so none runs twice) and holds a runner lease saying it is alive; the one holding the scheduler
 *   lease also runs the schedules and compaction, and takes over the runs of workers whose runner
 *   lease expired (they died): queued again, finished by whichever worker claims them.
 * - `api`: queues runs, never executes one.
 */
export class PipelineHost {
  readonly holder = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly service: PipelineService;
  private readonly leadership: Leadership;
  private readonly executor: RunExecutor;
  private readonly runner: Runner;
  private readonly runnerLease: RunnerLease;
  private readonly scheduler: Scheduler;
  private readonly compaction: CompactionLoop;
  private readonly logCompaction: LogCompactionLoop;
  private readonly alertLoop: AlertLoop;
  private readonly monitors: MonitorScheduler;
  /** Workers drain the queue whether or not they lead; `all` drains only while leading. */
  private readonly drainsAlways: boolean;
  private draining = false;
  private recoveryTimer: NodeJS.Timeout | null = null;
  private recovering: Promise<unknown> = Promise.resolve();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly services: Services,
    private readonly logger: Logger = services.logger,
    options: { cron?: CronSchedule } = {},
  ) {
    const { config, clock } = services;
    this.drainsAlways = config.role === 'worker';
    this.executor = config.pipelineThread ? new WorkerExecutor(config, logger) : inlineExecutor((run) => executeRun(run, { ...materializeDeps(services), fenceLeases: services.leases }));
    this.runner = new Runner(services.runs, this.executor, this.holder, clock, logger, config.pollMs);
    this.runnerLease = new RunnerLease(services.leases, this.holder, config.leaseMs, logger);
    // A run in a worker thread may have fitted a version: this thread's catalog must show it now.
    this.runner.onFinished(() => void services.catalog.refresh().catch((e: unknown) => logger.warn({ err: e }, 'catalog refresh failed')));
    this.service = new PipelineService({
      catalog: services.catalog,
      runs: services.runs,
      clock,
      maxAttempts: config.runAttempts,
      wake: () => this.runner.wake(),
    });
    this.compaction = new CompactionLoop(compactor(services, this.holder), config.compactionIntervalMs, logger);
    this.logCompaction = logCompactionLoop(services, this.holder);
    this.alertLoop = new AlertLoop(services.alerts, config.alertIntervalMs, logger);
    this.scheduler = new Scheduler(async (view) => void (await this.service.materialize(view, { trigger: 'schedule' })), logger, options.cron);
    this.monitors = new MonitorScheduler((monitor) => services.monitors.run(monitor), logger, options.cron);
    let unsubscribeCatalog: (() => void) | null = null;
    this.leadership = new Leadership(services.leases, this.holder, config.leaseMs, logger, {
      gained: async () => {
        await this.recover(true);
        this.scheduler.sync(await services.catalog.get());
        this.monitors.sync(await services.catalog.get());
        await this.catchUp(logger);
        unsubscribeCatalog = services.catalog.onChange((catalog) => {
          this.scheduler.sync(catalog);
          this.monitors.sync(catalog);
          void this.catchUp(logger).catch((e: unknown) => logger.warn({ err: e }, 'catch-up runs failed to queue'));
        });
        if (!this.drainsAlways) await this.startDraining();
        this.compaction.start();
        this.logCompaction.start();
        this.alertLoop.start();
        // Workers may die while this process leads: look for their runs once per lease lifetime.
        this.recoveryTimer = setInterval(() => void (this.recovering = this.recovering.then(() => this.recover(false))), config.leaseMs);
        this.recoveryTimer.unref();
      },
      lost: async () => {
        if (this.recoveryTimer) clearInterval(this.recoveryTimer);
        this.recoveryTimer = null;
        await this.recovering;
        unsubscribeCatalog?.();
        this.scheduler.stop();
        this.monitors.stop();
        await this.compaction.stop();
        await this.logCompaction.stop();
        await this.alertLoop.stop();
        if (!this.drainsAlways) await this.stopDraining();
      },
    });
  }

  /**
   * Takes over the runs of processes that died. At the start of leadership with no run being written
   * anywhere, staged files are swept as well.
   */
  private async recover(starting: boolean): Promise<void> {
    const { services } = this;
    try {
      const others = (await services.leases.live(RUNNER_LEASE_PREFIX)).filter((h) => h !== this.holder);
      await recoverInterrupted(services.runs, services.files, this.holder, services.clock, this.logger, {
        liveHolders: others,
        sweepStaged: starting && others.length === 0 && !this.draining,
      });
    } catch (e) {
      this.logger.warn({ err: e }, 'recovery of interrupted runs failed; tried again later');
    }
  }

  private async startDraining(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    // Before this process runs anything: the spills its earlier life left, whose runs went elsewhere.
    await sweepSpills(this.services.runs, this.services.files).then(
      (removed) => removed.length && this.logger.info({ removed }, 'removed the spill folders of runs this data dir no longer runs'),
      (e: unknown) => this.logger.warn({ err: e }, 'sweeping old spill folders failed'),
    );
    await this.runnerLease.start();
    this.runner.start();
    // A run queued by another process wakes the runner at once where the registry notifies.
    this.unsubscribes.push(this.services.registry.subscribe('runs', () => this.runner.wake()));
  }

  private async stopDraining(): Promise<void> {
    if (!this.draining) return;
    this.draining = false;
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    await this.runner.stop();
    await this.runnerLease.stop();
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

  /** Calls `listener` with every run this process's runner finishes (metrics, monitors). */
  onRunFinished(listener: (run: RunRecord) => void): () => void {
    return this.runner.onFinished(listener);
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  scheduled(): string[] {
    return this.scheduler.scheduled();
  }

  async start(): Promise<void> {
    const { config } = this.services;
    if (!config.scheduler || config.role === 'api') return;
    // Leadership first: its recovery sweeps staged files only while this process writes none.
    await this.leadership.start();
    if (this.drainsAlways) await this.startDraining();
  }

  /** Stops scheduling and claiming; waits for the run in progress; releases the leases. */
  async stop(): Promise<void> {
    await closeAll([() => this.leadership.stop(), () => this.stopDraining(), () => this.executor.close()]);
  }
}
