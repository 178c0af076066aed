import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { systemClock } from '../../clock.js';
import { type Config, loadConfig } from '../../config.js';
import { loadDefinitions } from '../../definitions/load-definitions.js';
import { type Logger, createLogger } from '../../logger.js';
import { PipelineHost } from '../../pipelines/pipeline-host.js';
import { startHttp } from '../../server.js';
import { openServices } from '../../services.js';
import type { Command } from '../io.js';

/**
 * `tessera serve`: applies the definitions folder, then serves HTTP and runs pipelines. With
 * `--workers N`, a primary process applies the definitions once and forks N workers sharing the port
 * (node:cluster); each worker serves requests, and the one holding the scheduler lease in the registry
 * runs the schedules and pipelines.
 */
export const serve: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      definitions: { type: 'string' },
      workers: { type: 'string' },
      'log-level': { type: 'string' },
      'no-apply': { type: 'boolean' },
    },
  });
  const config = loadConfig(
    {
      port: values.port,
      host: values.host,
      dataDir: values['data-dir'],
      definitions: values.definitions,
      workers: values.workers,
      logLevel: values['log-level'],
      applyOnStart: values['no-apply'] || cluster.isWorker ? false : undefined,
    },
    io.env,
  );
  const logger = createLogger(config.logLevel);
  if (config.applyOnStart) await applyDefinitions(config, logger);
  if (config.workers > 1 && cluster.isPrimary) return supervise(config, logger);
  return serveHere(config, logger);
};

async function applyDefinitions(config: Config, logger: Logger): Promise<void> {
  const services = await openServices(config, logger, systemClock);
  try {
    const loaded = loadDefinitions(config.definitions);
    const result = await services.applyService.apply(loaded.bundle, { dryRun: false, actor: 'serve (startup)', origin: loaded.origin });
    logger.info({ files: loaded.files, created: result.created.length, updated: result.updated.length, newVersions: result.newVersions }, 'definitions applied');
  } finally {
    await services.close();
  }
}

/** One serving process: HTTP, the catalog watcher, and pipelines (when this process holds the lease). */
async function serveHere(config: Config, logger: Logger): Promise<number> {
  const services = await openServices(config, logger, systemClock);
  const stopWatch = services.catalog.watch(1000, (e) => logger.warn({ err: e }, 'catalog refresh failed'));
  const pipelines = new PipelineHost(services);
  await pipelines.start();
  const http = await startHttp(services, pipelines);
  logger.info({ url: http.url, dataDir: config.dataDir, definitions: config.definitions }, 'tessera listening');
  await untilSignal(logger, async () => {
    stopWatch();
    await http.stop(config.shutdownGraceMs);
    await pipelines.stop();
    await services.close();
    // A cluster worker's channel to the primary would keep it alive: let go of it.
    cluster.worker?.disconnect();
  });
  return 0;
}

/** The cluster primary: forks the workers, replaces any that die, and stops them all on a signal. */
async function supervise(config: Config, logger: Logger): Promise<number> {
  let stopping = false;
  const fork = () => cluster.fork();
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ workerPid: worker.process.pid, code, signal }, 'a worker died: starting another');
    fork();
  });
  logger.info({ workers: config.workers, port: config.port }, 'tessera primary: workers forked');
  await untilSignal(logger, async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
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

/** Resolves once SIGTERM or SIGINT arrives and `stop` has run. */
function untilSignal(logger: Logger, stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight work');
      stop()
        .catch((e: unknown) => logger.error({ err: e }, 'error during shutdown'))
        .finally(() => {
          logger.info('stopped');
          resolve();
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
