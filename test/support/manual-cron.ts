import type { CronSchedule } from '../../server/pipelines/scheduler.js';

interface ManualTask {
  expression: string;
  options: Parameters<CronSchedule>[2];
  tick: () => Promise<void>;
  destroyed: boolean;
}

/** A cron whose ticks a test fires by hand: what a schedule does, without waiting for any clock. */
export function manualCron() {
  const tasks: ManualTask[] = [];
  const schedule: CronSchedule = (expression, tick, options) => {
    const task: ManualTask = { expression, options, tick, destroyed: false };
    tasks.push(task);
    return { destroy: () => void (task.destroyed = true) };
  };
  /** The live task of that name (node-cron's `name`), or undefined. */
  const live = (name: string) => tasks.find((t) => t.options.name === name && !t.destroyed);
  return {
    schedule,
    tasks,
    live,
    /** Fires the live task of that name once, as node-cron would at a matching instant. */
    async tick(name: string): Promise<void> {
      const task = live(name);
      if (!task) throw new Error(`no live cron task '${name}' (tasks: ${tasks.map((t) => `${t.options.name}${t.destroyed ? ' (destroyed)' : ''}`).join(', ')})`);
      await task.tick();
    },
  };
}
