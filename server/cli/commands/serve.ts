import cluster from 'node:cluster';
import { systemClock } from '../../clock.js';
import { closeAll } from '../../close-all.js';
import { type Config, DEFAULT_PORT, loadConfig } from '../../config.js';
import { loadDefinitions } from '../../definitions/load-definitions.js';
import { type Logger, createLogger } from '../../logger.js';
import { PipelineHost } from '../../pipelines/pipeline-host.js';
import { startHttp } from '../../server.js';
import { openServices } from '../../services.js';
import { TesseraError } from '../../errors.js';
import { checkBind, isLoopbackHost } from '../../auth/bind-guard.js';
import { openRegistry } from '../../registry/open-registry.js';
import { defineCommand, type OptionSpec, UsageError } from '../command.js';
import { checkPortFree } from './serve-port.js';
import { supervise } from './supervise.js';
import { untilSignal } from './until-signal.js';

/** serve's options: each sets the configuration key it names (flags win over TESSERA_* variables). */
const options = {
  port: { type: 'string', value: '<n>', config: 'port', description: `HTTP port (default ${DEFAULT_PORT}; 6566 is Feast's, which browsers and fetch refuse; env TESSERA_PORT)` },
  host: {
    type: 'string',
    value: '<addr>',
    config: 'host',
    description: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface, which needs --insecure-no-auth until authentication is configured; env TESSERA_HOST)',
  },
  'data-dir': { type: 'string', value: '<dir>', config: 'dataDir', description: 'the data directory (default .data, env TESSERA_DATA_DIR)' },
  'online-url': {
    type: 'string',
    value: '<url>',
    config: 'onlineUrl',
    description: 'the online store: redis://host:6379/0 or redis+cluster://h1:6379,h2:6379 (default <data-dir>/online.db; env TESSERA_ONLINE_URL)',
  },
  definitions: { type: 'string', value: '<dir>', config: 'definitions', description: 'the definitions folder applied at start (default feature-definitions, env TESSERA_DEFINITIONS)' },
  'registry-url': {
    type: 'string',
    value: '<url>',
    config: 'registryUrl',
    description: 'the registry on PostgreSQL (postgres://user@host:5432/db) shared by every process; default <data-dir>/registry.db (env TESSERA_REGISTRY_URL)',
  },
  role: {
    type: 'string',
    value: '<role>',
    config: 'role',
    description: 'all (default): HTTP and pipelines; api: HTTP only, never runs pipelines; worker: the scheduler and pipelines, HTTP for /health only (env TESSERA_ROLE)',
  },
  'offline-dir': {
    type: 'string',
    value: '<dir>',
    config: 'offlineDir',
    description: "the offline root (snapshots' Parquet files), shared by every process of a deployment; default <data-dir>/offline (env TESSERA_OFFLINE_DIR)",
  },
  workers: { type: 'string', value: '<n>', config: 'workers', description: 'HTTP processes sharing the port (default 1, env TESSERA_WORKERS)' },
  'log-level': { type: 'string', value: '<level>', config: 'logLevel', description: 'fatal, error, warn, info, debug, trace or silent (default info, env TESSERA_LOG_LEVEL)' },
  'no-apply': { type: 'boolean', config: 'applyOnStart', description: 'serve what the registry holds, without applying the definitions folder' },
  'insecure-no-auth': {
    type: 'boolean',
    config: 'insecureNoAuth',
    description: 'listen on a non-loopback --host although authentication is not configured: anyone who reaches it may do anything (env TESSERA_INSECURE_NO_AUTH=true)',
  },
} as const satisfies Record<string, OptionSpec & { config: keyof Config }>;

/**
 * `tessera serve`: applies the definitions folder, then serves HTTP and runs pipelines. With
 * `--workers N`, a primary process applies the definitions once and forks N workers sharing the port
 * (node:cluster); each worker serves requests, and the one holding the scheduler lease in the registry
 * runs the schedules and pipelines.
 */
export const serve = defineCommand({
  name: 'serve',
  summary: 'start the server: apply the definitions, serve HTTP, run the scheduled pipelines',
  usage: '[options]',
  description: `Serves the HTTP API on http://127.0.0.1:${DEFAULT_PORT} by default. Flags win over the TESSERA_* environment variables (docs/operations.md lists them all). SIGTERM or SIGINT stops it gracefully.`,
  args: { min: 0, max: 0 },
  options,
  examples: [
    'tessera serve',
    "tessera serve --port 6566            # Feast's port, for tools that assume it",
    'tessera serve --host 0.0.0.0 --insecure-no-auth --workers 2 --data-dir /var/lib/tessera   # a trusted network only',
  ],
  async run({ values }, io) {
    const flags: Partial<Record<keyof Config, unknown>> = {};
    for (const [name, option] of Object.entries(options)) flags[option.config] = values[name as keyof typeof options];
    // --no-apply turns applying off; a cluster worker never applies (its primary did).
    flags.applyOnStart = values['no-apply'] || cluster.isWorker ? false : undefined;
    const config = configFromFlags(flags, io.env);
    // Before anything is applied: a server that may not listen, or cannot, does nothing. A cluster
    // worker listens on its primary's port, which its siblings hold.
    if (cluster.isPrimary) await checkPortFree(config.host, config.port);
    checkBind(config, await keysExist(config));
    const logger = createLogger(config.logLevel);
    if (config.applyOnStart) await applyDefinitions(config, logger);
    if (config.workers > 1 && cluster.isPrimary) return supervise(config, logger);
    return serveHere(config, logger);
  },
});

/** Whether the registry holds an API key (auth is then on); only asked when the answer matters. */
async function keysExist(config: Config): Promise<boolean> {
  if (isLoopbackHost(config.host) || config.insecureNoAuth || config.oidcJwks !== undefined) return false;
  const registry = await openRegistry({ dataDir: config.dataDir, clock: systemClock, registryUrl: config.registryUrl, timeoutMs: config.registryTimeoutMs });
  try {
    return await registry.auth.anyKey();
  } finally {
    await registry.close();
  }
}

/** A flag with a bad value is a usage error naming the flag; a bad TESSERA_* variable stays a configuration error. */
function configFromFlags(flags: Partial<Record<keyof Config, unknown>>, env: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(flags, env);
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    const flag = Object.entries(options).find(([, o]) => flags[o.config] !== undefined && e.errors.some((f) => f.path === o.config));
    if (flag) throw new UsageError(`option '--${flag[0]}': '${String(flags[flag[1].config])}' is not valid: ${e.errors.find((f) => f.path === flag[1].config)!.message}`);
    throw e;
  }
}

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
  const refreshFailed = (e: unknown) => logger.warn({ err: e }, 'catalog refresh failed');
  const stopPolling = services.catalog.watch(1000, refreshFailed);
  // A registry that notifies (PostgreSQL) brings another process's change at once; polling stays the fallback.
  const stopListening = services.registry.subscribe('catalog', () => void services.catalog.refresh().catch(refreshFailed));
  const stopWatch = () => {
    stopPolling();
    stopListening();
  };
  const pipelines = new PipelineHost(services);
  let http: Awaited<ReturnType<typeof startHttp>>;
  try {
    await pipelines.start();
    http = await startHttp(services, pipelines);
  } catch (e) {
    // A port taken since the check, say: let go of the pipeline lease and every store, so the process exits (1)
    // instead of running the scheduler without serving.
    stopWatch();
    await closeAll([() => pipelines.stop(), () => services.close()]).catch((err: unknown) => logger.warn({ err }, 'closing after a failed start'));
    throw e;
  }
  logger.info({ url: http.url, dataDir: config.dataDir, definitions: config.definitions }, 'tessera listening');
  await untilSignal(logger, async () => {
    stopWatch();
    await closeAll([() => http.stop(config.shutdownGraceMs), () => pipelines.stop(), () => services.close()]);
    // A cluster worker's channel to the primary would keep it alive: let go of it.
    cluster.worker?.disconnect();
  });
  return 0;
}
