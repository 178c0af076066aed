import os from 'node:os';

/** The nice value of background threads (the feature-log encoder, the pipeline worker): 0 = the process's own, 19 = lowest. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority, so that on a contended core the serving thread
 * (and the load it answers) wins over background work. On Linux the nice value is per thread, so this
 * touches only the calling thread and the threads it creates later; elsewhere it may lower the whole
 * process or be refused, so a refusal is ignored (the work runs at the process's priority).
 */
export function lowerThreadPriority(nice = BACKGROUND_NICE): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(Math.max(os.getPriority(), nice));
  } catch {
    // Not permitted (a sandbox): the thread keeps the process's priority.
  }
}
