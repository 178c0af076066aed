import { AlertService } from '../alerts/alert-service.js';
import { presentAlert } from '../alerts/present-alert.js';
import { runFailuresProvider } from '../alerts/run-failures.js';
import { WebhookDispatcher } from '../alerts/webhook-dispatcher.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { Metrics } from '../metrics/metrics.js';
import { DriftService } from '../monitoring/drift/drift-service.js';
import { FreshnessService } from '../monitoring/freshness.js';
import { freshnessProvider } from '../monitoring/freshness-conditions.js';
import { driftAlerts } from '../monitoring/monitors/drift-alerts.js';
import type { FileStore } from '../offline/file-store.js';
import type { HistoricalService } from '../offline/historical-service.js';
import { OutcomeService } from '../outcomes/outcome-service.js';
import { OutcomeStore } from '../outcomes/outcome-store.js';
import { performanceProvider } from '../outcomes/performance-conditions.js';
import type { PredictionLogService } from '../prediction-logs/prediction-log-service.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { RegistryBackend } from '../registry/registry-backend.js';
import { httpAccess } from '../sources/http-access.js';
import type { SourceContext } from '../sources/source.js';
import { validationProvider } from '../validation/validation-conditions.js';

export interface MonitoringDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  registry: RegistryBackend;
  catalog: CatalogCache;
  files: FileStore;
  historical: HistoricalService;
  predictionLog: PredictionLogService;
  sources: SourceContext;
}

/** What a process watches with: alerts (and every kind of alert it knows), its metrics, drift reports and outcomes. */
export interface MonitoringServices {
  alerts: AlertService;
  metrics: Metrics;
  drift: DriftService;
  outcomeStore: OutcomeStore;
  outcomes: OutcomeService;
}

/** Builds the alert service with its webhooks and providers, the metrics, drift and outcome services (nothing opened). */
export function monitoringServices(deps: MonitoringDeps): MonitoringServices {
  const { config, logger, clock, registry, catalog, files, historical, predictionLog, sources } = deps;
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
  return { alerts, metrics, drift, outcomeStore, outcomes };
}
