import type { Counter, Histogram } from 'prom-client';
import type { RunRecord } from '../domain/run.js';
import type { Metrics } from './metrics.js';

const RUN_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600];

/** Finished runs: durations, rows and outcomes per view, and failed validation expectations. */
export class RunMetrics {
  private readonly seconds: Histogram<'feature_view' | 'status'>;
  private readonly rows: Counter<'feature_view' | 'stage'>;
  private readonly validationFailures: Counter<'feature_view' | 'expectation' | 'policy'>;

  constructor(metrics: Metrics) {
    this.seconds = metrics.histogram({
      name: 'tessera_run_duration_seconds',
      help: 'Pipeline run duration (claimed to finished), by view and final status',
      labelNames: ['feature_view', 'status'],
      buckets: RUN_BUCKETS,
    });
    this.rows = metrics.counter({ name: 'tessera_run_rows_total', help: 'Rows of finished runs, by view and stage (in, out, rejected)', labelNames: ['feature_view', 'stage'] });
    this.validationFailures = metrics.counter({
      name: 'tessera_validation_failures_total',
      help: 'Failed validation expectations of runs, by view, expectation kind and policy',
      labelNames: ['feature_view', 'expectation', 'policy'],
    });
  }

  /** A run that ended (succeeded or failed); a requeued attempt is counted when it ends. */
  finished(run: RunRecord): void {
    if (run.status !== 'succeeded' && run.status !== 'failed') return;
    const view = run.featureView;
    if (run.startedAt !== null && run.finishedAt !== null) this.seconds.observe({ feature_view: view, status: run.status }, (run.finishedAt - run.startedAt) / 1000);
    this.rows.inc({ feature_view: view, stage: 'in' }, run.rowsIn);
    this.rows.inc({ feature_view: view, stage: 'out' }, run.rowsOut);
    this.rows.inc({ feature_view: view, stage: 'rejected' }, run.rowsRejected);
  }

  validationFailed(view: string, expectation: string, policy: string): void {
    this.validationFailures.inc({ feature_view: view, expectation, policy });
  }
}
