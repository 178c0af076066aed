import { FeatureLogSweep } from '../feature-logging/feature-log-sweep.js';
import { OutcomeCompactor } from '../outcomes/outcome-compactor.js';
import { Compactor } from '../pipelines/compaction/compactor.js';
import type { MaterializeDeps } from '../pipelines/materialize.js';
import { LogCompactionLoop } from '../prediction-logs/log-compaction-loop.js';
import { LogCompactor } from '../prediction-logs/log-compactor.js';
import type { Services } from '../services.js';

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
