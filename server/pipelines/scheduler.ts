import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { Catalog } from '../registry/catalog.js';

/**
 * What the scheduler needs of a cron library: node-cron's `schedule` in a server, ticks driven by hand
 * in a test (so a test proves that a tick queues a run without waiting for a clock).
 */
export type CronSchedule = (expression: string, tick: () => Promise<void>, options: { name: string; noOverlap: boolean; timezone?: string }) => { destroy(): unknown };

const nodeCron: CronSchedule = (expression, tick, options) => cron.schedule(expression, tick, options);

/**
 * One node-cron task per view with a `schedule`, kept in step with the catalog. A tick enqueues a run;
 * when the view already has one queued or running, the tick is skipped (node-cron's `noOverlap`
 * guards one process, the registry's one-active-run rule guards every process).
 */
export class Scheduler {
  private readonly tasks = new Map<string, { key: string; task: { destroy(): unknown } }>();

  constructor(
    private readonly enqueue: (view: string) => Promise<void>,
    private readonly logger: Logger,
    private readonly schedule: CronSchedule = nodeCron,
  ) {}

  /** Starts, stops and replaces tasks to match the catalog's schedules. */
  sync(catalog: Catalog): void {
    const wanted = new Map<string, { schedule: string; timezone?: string }>();
    for (const view of catalog.featureViews.values()) {
      if (view.metadata.schedule) wanted.set(view.name, { schedule: view.metadata.schedule, timezone: view.metadata.timezone });
    }
    for (const [name, entry] of this.tasks) {
      const want = wanted.get(name);
      if (!want || entry.key !== keyOf(want)) {
        void entry.task.destroy();
        this.tasks.delete(name);
      }
    }
    for (const [name, want] of wanted) {
      if (this.tasks.has(name)) continue;
      const task = this.schedule(
        want.schedule,
        async () => {
          try {
            await this.enqueue(name);
          } catch (e) {
            this.logger.info({ featureView: name, reason: (e as Error).message }, 'scheduled run skipped');
          }
        },
        { name: `materialize:${name}`, noOverlap: true, ...(want.timezone ? { timezone: want.timezone } : {}) },
      );
      this.tasks.set(name, { key: keyOf(want), task });
      this.logger.info({ featureView: name, schedule: want.schedule, timezone: want.timezone ?? 'local' }, 'schedule registered');
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

function keyOf(s: { schedule: string; timezone?: string }): string {
  return `${s.schedule}|${s.timezone ?? ''}`;
}
