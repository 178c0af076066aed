import cron from 'node-cron';

/** Milliseconds between a schedule's next two ticks, or null when it has fewer than two. */
export type CronInterval = (schedule: string, timezone?: string) => number | null;

/**
 * node-cron's own next ticks (the ones the scheduler will fire), from the real current time: an
 * irregular schedule (`0 9 * * 1-5`) has the gap that comes next. The task is created stopped and
 * destroyed at once, so nothing is scheduled.
 */
export const nodeCronInterval: CronInterval = (schedule, timezone) => {
  const task = cron.createTask(schedule, () => undefined, timezone ? { timezone } : {});
  try {
    const [a, b] = task.getNextRuns(2);
    return a && b ? b.getTime() - a.getTime() : null;
  } finally {
    void task.destroy();
  }
};
