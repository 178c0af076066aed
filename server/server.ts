import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { checkBind } from './auth/bind-guard.js';
import { TesseraError, errorMessage } from './errors.js';
import { answerClientError } from './http/client-error.js';
import { onlineFastPath } from './http/online-fast-path.js';
import { predictionLogFastPath } from './http/prediction-log-fast-path.js';
import { pushFastPath } from './http/push-fast-path.js';
import { onlineRoutes } from './http/routes/online.js';
import { authRoutes } from './http/routes/auth.js';
import { ONLINE_ROUTES } from './http/routes/online.js';
import { datasetRoutes } from './http/routes/datasets.js';
import { historicalRoutes } from './http/routes/historical.js';
import { pipelineRoutes, presentSnapshot } from './http/routes/pipelines.js';
import { predictionLogRoutes } from './http/routes/prediction-logs.js';
import { transformRoutes } from './http/routes/transform.js';
import { pushRoutes } from './http/routes/push.js';
import { skewRoutes } from './http/routes/skew.js';
import { alertRoutes } from './http/routes/alerts.js';
import { SkewService } from './skew/skew-service.js';
import { driftRoutes } from './http/routes/drift.js';
import { monitorRoutes } from './http/routes/monitors.js';
import { outcomeRoutes } from './http/routes/outcomes.js';
import { freshnessRoutes } from './http/routes/freshness.js';
import { validationRoutes } from './http/routes/validation.js';
import { FreshnessService } from './monitoring/freshness.js';
import { publishFreshness } from './monitoring/freshness-metrics.js';
import { countValidationFailures } from './validation/count-failures.js';
import { feastMaterializeRoutes } from './http/routes/feast-materialize.js';
import { OfflineBatcher } from './push/offline-batcher.js';
import { RunnerLease } from './pipelines/runner-lease.js';
import { PushService } from './push/push-service.js';
import { OnlineService } from './serving/online-service.js';
import type { PipelineHost } from './pipelines/pipeline-host.js';
import type { Services } from './services.js';

export interface RunningServer {
  url: string;
  server: http.Server;
  /** The express app behind the online fast path (tests list its routes). */
  app: Express;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then resolves. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The offline root answers when it is a folder this process can write (a shared file system that went
 * away fails here). It may not exist before the first run: then its parent must be writable.
 */
async function checkOfflineRoot(dir: string): Promise<void> {
  let at = dir;
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  try {
    await fs.promises.access(at, fs.constants.W_OK);
  } catch (e) {
    throw new TesseraError('unavailable', `the offline root (${dir}) is not writable: ${errorMessage(e)}`, [], { cause: e });
  }
}

/** `probe`, calling `failed` when it rejects (a store error, counted in the metrics). */
function counted(probe: Promise<void>, failed: () => void): Promise<void> {
  return probe.catch((e: unknown) => {
    failed();
    throw e;
  });
}

/** `/health`'s freshness detail: views and stale views. Staleness never makes the server unhealthy. */
async function freshnessSummary(freshness: FreshnessService): Promise<{ views: number; stale: number } | { error: string }> {
  try {
    const views = await freshness.views();
    return { views: views.length, stale: views.filter((v) => v.stale).length };
  } catch (e) {
    return { error: errorMessage(e) };
  }
}

/** Builds the HTTP app over a process's services and pipelines, and listens. */
export async function startHttp(services: Services, pipelines: PipelineHost): Promise<RunningServer> {
  const { config, logger } = services;
  const insecure = checkBind(config, await services.registry.auth.anyKey());
  if (insecure !== null) logger.warn(insecure);
  const { metrics } = services;
  // Off (TESSERA_METRICS=false): nothing recorded on the request path and no /metrics, for measuring their cost.
  const recording = config.metrics ? metrics : undefined;
  const online = new OnlineService({
    catalog: () => services.catalog.peek()!,
    store: services.online,
    clock: services.clock,
    maxRows: config.maxOnlineRows,
    tally: recording?.online,
    onStoreError: () => metrics.storeError('online', 'read'),
    featureLog: services.featureLog,
    reloadIfMoved: () => services.catalog.reloadIfMoved(),
  });
  // Pushes commit runs of their own, under a holder with a live runner lease: the leader's recovery
  // takes over only runs whose process is gone, never an in-flight push of a process that is not a runner.
  const pushLease = new RunnerLease(services.leases, `${pipelines.holder}:push`, config.leaseMs, logger);
  if (config.role !== 'worker') await pushLease.start();
  const offline = new OfflineBatcher({
    runs: services.runs,
    files: services.files,
    engine: services.pipelineDuckdb,
    fileOptions: { rowsPerFile: config.rowsPerFile, rowGroupRows: config.rowGroupRows },
    clock: services.clock,
    logger,
    holder: pushLease.holder,
    intervalMs: config.pushCommitMs,
  });
  pipelines.onRunFinished((run) => metrics.runs.finished(run));
  pipelines.onRunFinished(countValidationFailures(services.registry.validation, metrics.runs, logger));
  const freshness = new FreshnessService({ catalog: services.catalog, runs: services.runs, clock: services.clock });
  publishFreshness(metrics, freshness);
  const push = new PushService({ catalog: services.catalog, runs: services.runs, online: services.online, offline });
  const app = createApp({
    logger,
    bodyLimit: config.bodyLimit,
    catalog: services.catalog,
    catalogStore: services.catalogStore,
    applyService: services.applyService,
    deleteService: services.deleteService,
    healthChecks: {
      registry: () => counted(services.registry.ping(), () => metrics.storeError('registry', 'ping')),
      onlineStore: () => counted(services.online.ping(), () => metrics.storeError('online', 'ping')),
      offlineRoot: () => counted(checkOfflineRoot(services.files.locate('offline')), () => metrics.storeError('offline', 'ping')),
    },
    metrics: recording,
    gate: services.gate,
    corsOrigins: config.corsOrigins,
    healthInfo: async () => ({
      pid: process.pid,
      role: config.role,
      scheduler: pipelines.isLeader ? 'this process' : 'another process',
      featureLog: services.featureLog.queueStats(),
      freshness: await freshnessSummary(freshness),
    }),
    healthOnly: config.role === 'worker',
    versionDetail: async (view, version) => ({ snapshots: (await services.runs.snapshots(view, version)).map(presentSnapshot) }),
    hot: [onlineRoutes({ online, bodyLimit: config.bodyLimit })],
    routers: [
      authRoutes({ keys: services.keys, gate: services.gate, store: services.registry.auth, bodyLimit: config.bodyLimit }),
      pipelineRoutes({ pipelines: pipelines.service, runs: services.runs, bodyLimit: config.bodyLimit }),
      pushRoutes({ push, bodyLimit: config.bodyLimit }),
      feastMaterializeRoutes({ pipelines: pipelines.service, runs: services.runs, catalog: services.catalog, bodyLimit: config.bodyLimit }),
      predictionLogRoutes({ logs: services.predictionLog, bodyLimit: config.bodyLimit }),
      transformRoutes({ catalog: services.catalog, runs: services.runs, bodyLimit: config.bodyLimit, maxRows: config.maxOnlineRows }),
      historicalRoutes({ historical: services.historical, bodyLimit: config.bodyLimit, uploadLimit: config.uploadLimit }),
      datasetRoutes({ datasets: services.datasets, bodyLimit: config.bodyLimit, uploadLimit: config.uploadLimit }),
      driftRoutes({ drift: services.drift, bodyLimit: config.bodyLimit }),
      monitorRoutes({ catalog: services.catalog, results: services.registry.monitorResults, runner: services.monitors }),
      outcomeRoutes({ outcomes: services.outcomes, bodyLimit: config.bodyLimit }),
      validationRoutes({ runs: services.runs, validation: services.registry.validation }),
      freshnessRoutes({ freshness, now: () => services.clock.now() }),
      alertRoutes({ alerts: services.alerts }),
      skewRoutes({ skew: new SkewService({ catalog: services.catalog, files: services.files, historical: services.historical, clock: services.clock }), bodyLimit: config.bodyLimit }),
    ],
  });
  // The online endpoint first, on node:http itself; everything else through express.
  const fast = onlineFastPath({ online, bodyLimit: config.bodyLimit, logger, metrics: recording?.http, gate: services.gate, auth: ONLINE_ROUTES.online.auth });
  // With authentication on, prediction logs go through express, which checks the caller.
  const logFast = predictionLogFastPath({ logs: services.predictionLog, bodyLimit: config.bodyLimit, logger, metrics: recording?.http });
  // Pushes too (a streaming producer sends one row per event), authenticated and audited as express does.
  const pushFast = pushFastPath({ push, bodyLimit: config.bodyLimit, logger, gate: services.gate, metrics: recording?.http });
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    // A browser's cross-origin call goes through express, which answers CORS.
    if (config.role === 'worker' || (req.headers.origin !== undefined && config.corsOrigins.length > 0) || !(fast(req, res) || pushFast(req, res) || (!services.gate.enabled() && logFast(req, res))))
      app(req, res);
  };
  const server = config.tlsCert && config.tlsKey ? https.createServer({ cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) }, handle) : http.createServer(handle);
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Listening, an 'error' is a failed accept (EMFILE: out of file descriptors) and the server goes on
  // listening; unheard, Node would throw it and end the process.
  server.on('error', (e) => logger.error({ err: e }, 'the HTTP server failed to accept a connection'));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${config.tlsCert ? 'https' : 'http'}://${host}:${address.port}`,
    server,
    app,
    stop: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          // Pushes already received are committed before the process goes on to stop.
          offline
            .close()
            .finally(() => pushLease.stop())
            .then(resolve, resolve);
        });
        server.closeIdleConnections();
      }),
  };
}
