import path from 'node:path';
import type { AlertService } from './alerts/alert-service.js';
import type { AuthGate } from './auth/auth-gate.js';
import type { KeyService } from './auth/key-service.js';
import type { Clock } from './clock.js';
import { closeAll } from './close-all.js';
import type { Config } from './config.js';
import { DatasetService } from './datasets/dataset-service.js';
import { FeatureLogWriter } from './feature-logging/feature-log-writer.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { DriftService } from './monitoring/drift/drift-service.js';
import { MonitorRunner } from './monitoring/monitors/monitor-runner.js';
import { DuckDbEngine } from './offline/duckdb-engine.js';
import { duckDbOptions } from './offline/duckdb-options.js';
import { type FileStore, LocalFileStore } from './offline/file-store.js';
import { HistoricalService } from './offline/historical-service.js';
import type { OnlineStore } from './online/online-store.js';
import type { OutcomeService } from './outcomes/outcome-service.js';
import type { OutcomeStore } from './outcomes/outcome-store.js';
import { PredictionLogService } from './prediction-logs/prediction-log-service.js';
import { ApplyService } from './registry/apply-service.js';
import type { CatalogCache } from './registry/catalog-cache.js';
import type { CatalogStore } from './registry/catalog-store.js';
import { DeleteService } from './registry/delete-service.js';
import type { LeaseStore } from './registry/lease-store.js';
import type { RegistryBackend } from './registry/registry-backend.js';
import type { RunStore } from './registry/run-store.js';
import { authServices } from './services/auth-services.js';
import { monitoringServices } from './services/monitoring-services.js';
import { openStores } from './services/open-stores.js';
import { checkSources } from './sources/check-sources.js';
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
  const { online, registry, catalog } = await openStores(config, clock, options);
  let auth: ReturnType<typeof authServices>;
  try {
    // Inside the try: the OIDC verifier reads its JWKS file here, and a start that fails on it must not
    // leave the registry's connections open (a serve that cannot start would never exit).
    auth = authServices(config, registry, catalog, clock, logger);
    await auth.gate.refresh();
  } catch (e) {
    await online.close();
    await registry.close();
    throw e;
  }
  const { keys, gate } = auth;
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
  const { alerts, metrics, drift, outcomeStore, outcomes } = monitoringServices({ config, logger, clock, registry, catalog, files, historical, predictionLog, sources });
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

// What a process's jobs need from its services: kept importable from here, as callers always have.
export { compactor, logCompactionLoop, materializeDeps } from './services/pipeline-jobs.js';
