import type { Clock } from '../../clock.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { DriftRequest } from '../drift/drift-spec.js';
import type { DriftReport } from '../drift/drift-report.js';
import type { Monitor } from './monitor-definition.js';
import type { MonitorResult, MonitorResultStore } from './monitor-result-store.js';

export interface MonitorRunnerDeps {
  drift: { report(request: DriftRequest): Promise<DriftReport> };
  results: MonitorResultStore;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Runs a monitor once: its drift report, stored as a result (a report that cannot be computed, an
 * empty window, is stored as `failed` with the reason, never thrown at the scheduler), and its
 * scores published: `tessera_drift_score{monitor,feature}`, `tessera_drift_detected{monitor}` and
 * `tessera_monitor_runs_total{monitor,status}`.
 */
export class MonitorRunner {
  private readonly score;
  private readonly detected;
  private readonly runsTotal;

  constructor(private readonly deps: MonitorRunnerDeps) {
    this.score = deps.metrics.gauge({
      name: 'tessera_drift_score',
      help: "A monitor's latest drift value per feature: the p-value for tests (ks, chi_square, z_test), the score for distances",
      labelNames: ['monitor', 'feature'],
    });
    this.detected = deps.metrics.gauge({ name: 'tessera_drift_detected', help: '1 when the monitor’s latest report found dataset drift, else 0', labelNames: ['monitor'] });
    this.runsTotal = deps.metrics.counter({ name: 'tessera_monitor_runs_total', help: 'Monitor runs by outcome (ok, failed)', labelNames: ['monitor', 'status'] });
  }

  async run(monitor: Monitor): Promise<MonitorResult> {
    const startedAt = this.deps.clock.now();
    let report: DriftReport | null = null;
    let error: string | null = null;
    try {
      report = await this.deps.drift.report({
        featureView: monitor.featureView,
        ...(monitor.version !== undefined ? { version: monitor.version } : {}),
        reference: monitor.reference,
        detection: monitor.detection,
        features: monitor.features,
        method: monitor.method,
        methods: monitor.methods,
        thresholds: monitor.thresholds,
        driftShare: monitor.driftShare,
      });
    } catch (e) {
      error = errorMessage(e);
      this.deps.logger.warn({ monitor: monitor.name, reason: error }, 'monitor run failed');
    }
    const result = {
      monitor: monitor.name,
      status: report ? ('ok' as const) : ('failed' as const),
      datasetDrift: report?.datasetDrift ?? null,
      share: report?.share ?? null,
      report,
      error,
      startedAt,
      finishedAt: this.deps.clock.now(),
    };
    const id = await this.deps.results.add(result);
    this.runsTotal.inc({ monitor: monitor.name, status: result.status });
    if (report) {
      for (const f of report.features) {
        const value = f.pValue ?? f.statistic;
        if (value !== null) this.score.set({ monitor: monitor.name, feature: f.feature }, value);
      }
      this.detected.set({ monitor: monitor.name }, report.datasetDrift ? 1 : 0);
    }
    return { id, ...result };
  }
}
