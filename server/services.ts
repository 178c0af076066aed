import { closeAll } from './close-all.js';
import { AuthGate } from './auth/auth-gate.js';
import { KeyService } from './auth/key-service.js';
import { OidcVerifier } from './auth/oidc.js';
import { RateLimiter } from './auth/rate-limiter.js';
import path from 'node:path';
import { AlertService } from './alerts/alert-service.js';
import { presentAlert } from './alerts/present-alert.js';
import { runFailuresProvider } from './alerts/run-failures.js';
import { WebhookDispatcher } from './alerts/webhook-dispatcher.js';
import { FreshnessService } from './monitoring/freshness.js';
import { freshnessProvider } from './monitoring/freshness-conditions.js';
import { validationProvider } from './validation/validation-conditions.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { DatasetService } from './datasets/dataset-service.js';
import type { Logger } from './logger.js';
import { FeatureLogWriter } from './feature-logging/feature-log-writer.js';
import { DuckDbEngine } from './offline/duckdb-engine.js';
import { duckDbOptions } from './offline/duckdb-options.js';
import { type FileStore, LocalFileStore } from './offline/file-store.js';
import { HistoricalService } from './offline/historical-service.js';
import { Metrics } from './metrics/metrics.js';
import { DriftService } from './monitoring/drift/drift-service.js';
import { MonitorRunner } from './monitoring/monitors/monitor-runner.js';
import { driftAlerts } from './monitoring/monitors/drift-alerts.js';
import { openOnlineStore } from './online/open-online-store.js';
import type { OnlineStore } from './online/online-store.js';
import { unopenedOnlineStore } from './online/unopened-online-store.js';
import { Compactor } from './pipelines/compaction/compactor.js';
import { PredictionLogService } from './prediction-logs/prediction-log-service.js';
import { OutcomeCompactor } from './outcomes/outcome-compactor.js';
import { OutcomeService } from './outcomes/outcome-service.js';
import { OutcomeStore } from './outcomes/outcome-store.js';
import { performanceProvider } from './outcomes/performance-conditions.js';
import { LogCompactionLoop } from './prediction-logs/log-compaction-loop.js';
import { FeatureLogSweep } from './feature-logging/feature-log-sweep.js';
import { LogCompactor } from './prediction-logs/log-compactor.js';
import type { MaterializeDeps } from './pipelines/materialize.js';
import { ApplyService } from './registry/apply-service.js';
import { CatalogCache } from './registry/catalog-cache.js';
import type { CatalogStore } from './registry/catalog-store.js';
import { DeleteService } from './registry/delete-service.js';
import type { LeaseStore } from './registry/lease-store.js';
import { openRegistry } from './registry/open-registry.js';
import type { RegistryBackend } from './registry/registry-backend.js';
import type { RunStore } from './registry/run-store.js';
import { checkSources } from './sources/check-sources.js';
import { httpAccess } from './sources/http-access.js';
import type { SourceContext } from './sources/source.js';
import { type SourceOverrides, sourceContext } from './sources/source-context.js';

/** Everything a process needs, built once from the config and closed once at shutdown. */
export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The registry database, whichever backend the config chose. */
  registry: RegistryBackend;
  /** The registry's parts, for short: `registry.catalog`, `registry.runs`, `registry.leases`. */
  catalogStore: CatalogStore;
  runs: RunStore;
  leases: LeaseStore;
  catalog: CatalogCache;
  applyService: ApplyService;
  deleteService: DeleteService;
  files: FileStore;
  online: OnlineStore;
  /** Point-in-time retrieval over the offline store; its DuckDB instance starts on first use. */
  historical: HistoricalService;
  datasets: DatasetService;
  /** The DuckDB that writes pipeline runs' Parquet files (own memory limit); started on first use. */
  pipelineDuckdb: DuckDbEngine;
  /** The feature log's queue and writer (feature services with `logging:`); `featureLog.queueStats()` for metrics. */
  featureLog: FeatureLogWriter;
  /** What sources may reach (file roots, HTTP allow list, secrets' environment): apply checks it, runs use it. */
  sources: SourceContext;
  /** The prediction log: a journal on this machine, published to Parquet under the offline root. */
  predictionLog: PredictionLogService;
  /** This process's Prometheus metrics (`GET /metrics`); other parts add theirs to it. */
  metrics: Metrics;
  /** API keys: created, verified (cached), revoked. */
  keys: KeyService;
  /** Authentication, rate limits and permissions for every request (auth-gate.ts). */
  gate: AuthGate;
  /** Outcomes joined to the prediction log, and model performance from them (docs/monitoring.md). */
  outcomes: OutcomeService;
  /** The outcome files under the offline root (the compaction job merges and expires them). */
  outcomeStore: OutcomeStore;
  /** Drift reports over the offline files (on the historical service's DuckDB). */
  drift: DriftService;
  /** Runs a drift monitor once and stores its result (the pipeline host schedules them). */
  monitors: MonitorRunner;
  /** Alert rules' evaluation and the stored alerts; features add their kinds with `alerts.register(...)` (docs/alerts.md). */
  alerts: AlertService;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Tests only: a resolver, connector or environment for sources. */
  sources?: SourceOverrides;
  /**
   * False for the pipeline thread: it logs no predictions, so it neither replays dead writers'
   * journals (the serving thread does, at its start) nor publishes on a timer.
   */
  predictionLogJournal?: boolean;
  /**
   * False for a CLI command that only reads the registry or the offline store: it opens no online
   * store (no connection to Redis, no online.db), and `online` refuses every call.
   */
  online?: boolean;
}

export async function openServices(config: Config, logger: Logger, clock: Clock, options: ServiceOptions = {}): Promise<Services> {
  const sources = sourceContext(config, options.sources);
  // A remote store opens first: a wrong or unreachable URL must fail the start before an embedded store creates
  // files in the data dir.
  const openOnline = async () => (options.online === false ? unopenedOnlineStore() : openOnlineStore({ dataDir: config.dataDir, onlineUrl: config.onlineUrl }));
  const openReg = () => openRegistry({ dataDir: config.dataDir, clock, registryUrl: config.registryUrl, timeoutMs: config.registryTimeoutMs });
  const onlineFirst = options.online !== false && config.onlineUrl !== undefined && config.onlineUrl !== null && config.onlineUrl !== '';
  let online: OnlineStore;
  let registry: RegistryBackend;
  if (onlineFirst) {
    online = await openOnline();
    try {
      registry = await openReg();
    } catch (e) {
      await online.close();
      throw e;
    }
  } else {
    registry = await openReg();
    try {
      online = await openOnline();
    } catch (e) {
      await registry.close();
      throw e;
    }
  }
  const catalog = new CatalogCache(registry.catalog);
  try {
    await catalog.refresh();
  } catch (e) {
    await online.close();
    await registry.close();
    throw e;
  }
  const keys = new KeyService(registry.auth, clock, config.keyCacheMs);
  const oidc = config.oidcJwks ? new OidcVerifier({ jwks: config.oidcJwks, issuer: config.oidcIssuer!, audience: config.oidcAudience!, rolesClaim: config.oidcRolesClaim }, () => clock.now()) : null;
  const gate = new AuthGate({
    store: registry.auth,
    keys,
    oidc,
    limiter: config.rateLimitPerMinute > 0 ? new RateLimiter(config.rateLimitPerMinute, () => clock.now()) : null,
    catalog: () => catalog.peek()!,
    clock,
    logger,
    refreshMs: config.keyCacheMs,
  });
  keys.onCreated = () => gate.keyCreated();
  try {
    await gate.refresh();
  } catch (e) {
    await online.close();
    await registry.close();
    throw e;
  }
  const files = new LocalFileStore(config.dataDir, config.offlineDir);
  const historical = new HistoricalService({ catalog, runs: registry.runs, files, duckdb: duckDbOptions(config) });
  const pipelineDuckdb = new DuckDbEngine({ ...duckDbOptions(config, 'pipeline'), memoryLimit: config.pipelineMemoryLimit });
  const predictionLog = new PredictionLogService({
    engine: pipelineDuckdb,
    files,
    store: registry.predictionLogs,
    clock,
    logger,
    options: {
      journalDir: path.join(config.dataDir, 'prediction-log', 'journal'),
      publishMs: config.predictionLogPublishMs,
      dedupeIds: config.predictionLogDedupeIds,
      dedupeMs: config.predictionLogDedupeMs,
    },
  });
  try {
    // Predictions a process acknowledged before it died are published before this one serves reads.
    if (options.predictionLogJournal !== false) await predictionLog.start();
  } catch (e) {
    await pipelineDuckdb.close();
    await online.close();
    await registry.close();
    throw e;
  }
  const webhooks = new WebhookDispatcher({ catalog, store: registry.alerts, clock, logger, access: sources.http ?? httpAccess(), env: sources.env ?? process.env, present: presentAlert });
  const alerts = new AlertService({ catalog, store: registry.alerts, clock, logger, webhooks });
  alerts.register(runFailuresProvider({ catalog, runs: registry.runs }));
  alerts.register(freshnessProvider(new FreshnessService({ catalog, runs: registry.runs, clock })));
  alerts.register(validationProvider({ catalog, runs: registry.runs, validation: registry.validation }));
  alerts.register(driftAlerts({ catalog, results: registry.monitorResults }));
  const metrics = new Metrics();
  const drift = new DriftService({ catalog, runs: registry.runs, datasets: registry.datasets, files, engine: historical.engine, clock });
  // Outcomes are kept as long as the predictions they are joined to (the prediction log's retention).
  const outcomeStore = new OutcomeStore(files, { clock, retention: config.predictionLogRetention });
  const outcomes = new OutcomeService({ logs: predictionLog, store: outcomeStore, engine: historical.engine, clock });
  alerts.register(performanceProvider(outcomes));
  const featureLog = new FeatureLogWriter({ files, logger, options: { capacityRows: config.featureLogQueueRows, flushMs: config.featureLogFlushMs } });
  return {
    config,
    logger,
    clock,
    registry,
    catalogStore: registry.catalog,
    runs: registry.runs,
    leases: registry.leases,
    catalog,
    applyService: new ApplyService(
      registry.catalog,
      catalog,
      (list) => checkSources(list, sources),
      async (permissions) => {
        await registry.auth.replacePermissions(permissions);
        await gate.refresh();
      },
    ),
    deleteService: new DeleteService({ catalog, store: registry.catalog, online, files }),
    files,
    online,
    historical,
    datasets: new DatasetService({ historical, store: registry.datasets, files, clock }),
    pipelineDuckdb,
    featureLog,
    predictionLog,
    sources,
    metrics,
    keys,
    gate,
    drift,
    monitors: new MonitorRunner({ drift, results: registry.monitorResults, clock, logger, metrics }),
    alerts,
    outcomes,
    outcomeStore,
    async close() {
      await closeAll([
        () => gate.audit.flush(),
        // Rows served before the stop are written before the process goes.
        () => featureLog.close(),
        () => alerts.close(),
        // Acknowledged predictions are published before DuckDB goes (left in the journal if that fails).
        () => predictionLog.close(),
        () => historical.close(),
        () => pipelineDuckdb.close(),
        () => online.close(),
        () => registry.close(),
      ]);
    },
  };
}

/** The compactor of a process that holds the scheduler lease as `holder`. */
export function compactor(services: Services, holder: string): Compactor {
  const { config } = services;
  return new Compactor({
    catalog: services.catalog,
    runs: services.runs,
    datasets: services.registry.datasets,
    files: services.files,
    engine: services.pipelineDuckdb,
    holder,
    clock: services.clock,
    logger: services.logger,
    settings: { minSnapshots: config.compactionMinSnapshots, smallRows: config.compactionSmallRows, targetRows: config.compactionTargetRows },
    fileOptions: { rowsPerFile: config.rowsPerFile, rowGroupRows: config.rowGroupRows },
    retainMs: config.compactionRetainMs,
  });
}

/** The prediction log's and the outcome stream's compaction and retention job (and the feature log's staging sweep), as the scheduler lease holder `holder` runs it. */
export function logCompactionLoop(services: Services, holder: string): LogCompactionLoop {
  const { config } = services;
  const compactor = new LogCompactor({
    store: services.registry.predictionLogs,
    files: services.files,
    engine: services.pipelineDuckdb,
    clock: services.clock,
    logger: services.logger,
    targetRows: config.predictionLogTargetRows,
    retention: config.predictionLogRetention,
    graceMs: config.compactionRetainMs,
  });
  const outcomes = new OutcomeCompactor({
    store: services.outcomeStore,
    files: services.files,
    engine: services.pipelineDuckdb,
    clock: services.clock,
    logger: services.logger,
    retention: config.predictionLogRetention,
    graceMs: config.compactionRetainMs,
  });
  const featureLogs = new FeatureLogSweep({ files: services.files, clock: services.clock, graceMs: config.compactionRetainMs });
  return new LogCompactionLoop([compactor, outcomes, featureLogs], services.leases, holder, config.compactionIntervalMs, services.logger);
}

/** What a pipeline run needs, from a process's services. */
export function materializeDeps(services: Services): MaterializeDeps {
  return {
    catalog: services.catalog,
    runs: services.runs,
    validation: services.registry.validation,
    files: services.files,
    engine: services.pipelineDuckdb,
    fileOptions: { rowsPerFile: services.config.rowsPerFile, rowGroupRows: services.config.rowGroupRows },
    online: services.online,
    // Runs read plain CSV files with the pipeline's DuckDB (csv-duckdb.ts) unless TESSERA_CSV_READER=js
    // (the JS reader alone: same rows, one core; docs/csv-reader.md, "Which reader").
    sourceContext: services.config.csvReader === 'duckdb' ? { ...services.sources, duckdb: services.pipelineDuckdb } : services.sources,
    dataDir: services.config.dataDir,
    clock: services.clock,
    logger: services.logger,
    batchSize: services.config.batchSize,
    spillRows: services.config.spillRows,
    retryDelayMs: services.config.retryDelayMs,
  };
}
