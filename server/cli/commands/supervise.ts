import cluster from 'node:cluster';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { untilSignal } from './until-signal.js';
import { forkWorker } from './worker-fork.js';

/** The cluster primary: forks the workers, replaces any that die, and stops them all on a signal. */
export async function supervise(config: Config, logger: Logger): Promise<number> {
  let stopping = false;
  const fork = () => forkWorker(logger, () => stopping);
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ workerPid: worker.process.pid, code, signal }, 'a worker died: starting another');
    fork();
  });
  logger.info({ workers: config.workers, port: config.port }, 'tessera primary: workers forked');
  await untilSignal(logger, async () => {
    stopping = true;
    // A worker that never started (see forkWorker) has no process to stop and sends no 'exit'.
    const workers = Object.values(cluster.workers ?? {})
      .filter((w) => w !== undefined)
      .filter((w) => w.process.pid !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
  });
  return 0;
}
