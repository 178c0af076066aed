import type { RunRecord } from '../domain/run.js';
import type { Logger } from '../logger.js';
import type { RunMetrics } from '../metrics/run-metrics.js';
import type { ValidationStore } from './validation-store.js';

/**
 * Counts the failed expectations of each run that ended, from its stored report. The report is read
 * here, in the process that serves `/metrics`, because a run may have executed in a worker thread
 * (with metrics of its own that nobody scrapes).
 */
export function countValidationFailures(store: ValidationStore, metrics: RunMetrics, logger: Logger): (run: RunRecord) => void {
  return (run) => {
    if (run.status !== 'succeeded' && run.status !== 'failed') return;
    store.get(run.id).then(
      (report) => {
        for (const e of report?.expectations ?? []) if (!e.passed) metrics.validationFailed(run.featureView, e.expectation, report!.policy);
      },
      (e: unknown) => logger.warn({ err: e, runId: run.id }, 'cannot read the validation report of a run for the metrics'),
    );
  };
}
