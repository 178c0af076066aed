import { parseArgs } from 'node:util';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { loadDefinitions } from '../../definitions/load-definitions.js';
import { createLogger } from '../../logger.js';
import { PipelineHost } from '../../pipelines/pipeline-host.js';
import { startHttp } from '../../server.js';
import { openServices } from '../../services.js';
import type { Command } from '../io.js';

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
      applyOnStart: values['no-apply'] ? false : undefined,
    },
    io.env,
  );
  const logger = createLogger(config.logLevel);
  const services = await openServices(config, logger, systemClock);
  if (config.applyOnStart) {
    const loaded = loadDefinitions(config.definitions);
    const result = await services.applyService.apply(loaded.bundle, { dryRun: false, actor: 'serve (startup)', origin: loaded.origin });
    logger.info({ files: loaded.files, created: result.created.length, updated: result.updated.length, newVersions: result.newVersions }, 'definitions applied');
  }
  const stopWatch = services.catalog.watch(1000, (e) => logger.warn({ err: e }, 'catalog refresh failed'));
  const pipelines = new PipelineHost(services);
  await pipelines.start();
  const http = await startHttp(services, pipelines);
  logger.info({ url: http.url, dataDir: config.dataDir, definitions: config.definitions }, 'tessera listening');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      stopWatch();
      http
        .stop()
        .then(() => pipelines.stop())
        .then(() => services.close())
        .then(() => {
          logger.info('stopped');
          resolve();
        })
        .catch((e: unknown) => {
          logger.error({ err: e }, 'error during shutdown');
          resolve();
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  return 0;
};
