import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../../logger.js';

/**
 * Forks one serve worker. A worker that cannot be started (the spawn fails: out of processes or
 * memory, the working folder gone) is an 'error' on it and no 'exit' follows: unheard, Node throws it
 * and the primary ends, its workers with it. It is logged instead, and, since no 'exit' brings a
 * replacement, another is forked `retryMs` later unless the primary is stopping.
 */
export function forkWorker(logger: Logger, stopping: () => boolean, retryMs = 1000): Worker {
  const worker = cluster.fork();
  worker.on('error', (e: Error) => {
    logger.error({ err: e, workerPid: worker.process.pid }, 'a worker process failed');
    if (worker.process.pid === undefined && !stopping()) setTimeout(() => !stopping() && forkWorker(logger, stopping, retryMs), retryMs);
  });
  return worker;
}
