import cron from 'node-cron';
import type { Logger } from '../../logger.js';
import type { CronSchedule } from '../../pipelines/scheduler.js';
import type { Catalog } from '../../registry/catalog.js';
import type { Monitor } from './monitor-definition.js';

/**
 * One cron task per monitor, kept in step with the catalog, in the process that holds the scheduler
 * lease (the pipeline host starts and stops it with its leadership). A tick runs the monitor; a
 * monitor still running when its next tick comes skips that tick (node-cron's `noOverlap`).
 */
export class MonitorScheduler {
  private readonly tasks = new Map<string, { key: string; task: { destroy(): unknown } }>();

  constructor(
    private readonly run: (monitor: Monitor) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly schedule: CronSchedule = (expression, tick, options) => cron.schedule(expression, tick, options),
  ) {}

  sync(catalog: Catalog): void {
    for (const [name, entry] of this.tasks) {
      const want = catalog.monitors.get(name);
      if (!want || entry.key !== JSON.stringify(want.spec)) {
        void entry.task.destroy();
        this.tasks.delete(name);
      }
    }
    for (const { name, spec } of catalog.monitors.values()) {
      if (this.tasks.has(name)) continue;
      const task = this.schedule(
        spec.schedule,
        async () => {
          try {
            await this.run(spec);
          } catch (e) {
            this.logger.warn({ monitor: name, err: e }, 'monitor run could not be recorded');
          }
        },
        { name: `monitor:${name}`, noOverlap: true },
      );
      this.tasks.set(name, { key: JSON.stringify(spec), task });
    }
  }

  scheduled(): string[] {
    return [...this.tasks.keys()].sort();
  }

  stop(): void {
    for (const { task } of this.tasks.values()) void task.destroy();
    this.tasks.clear();
  }
}
