import { TesseraError } from '../errors.js';
import type { RunRecord } from '../domain/run.js';
import { RunValidator } from '../validation/run-validator.js';
import type { ValidationReport } from '../validation/validation-report.js';
import type { ValidationStore } from '../validation/validation-store.js';
import type { RowBatch } from './row-batch.js';
import type { RunPlan } from './run-plan.js';
import type { Stopwatch } from './stopwatch.js';

/**
 * A run's `validate` step: its typed source rows, batch by batch as they are read and before any
 * transform, checked against the view's expectations (view metadata, so the latest applied ones).
 * `finish` stores the report; under a `strict` policy a failing report fails the run before it commits.
 */
export class ValidateStep {
  private constructor(
    private readonly validator: RunValidator,
    private readonly run: RunRecord,
    private readonly store: ValidationStore,
    private readonly watch: Stopwatch,
  ) {}

  /** The step of a run, or null when the view expects nothing of its features. */
  static of(plan: RunPlan, run: RunRecord, store: ValidationStore, watch: Stopwatch): ValidateStep | null {
    const { validation, expectations } = plan.view.metadata;
    const validator = RunValidator.of({ validation, expectations }, plan.features, plan.layout);
    return validator ? new ValidateStep(validator, run, store, watch) : null;
  }

  add(rows: RowBatch): void {
    this.watch.time('validate', () => this.validator.add(rows));
  }

  async finish(now: number): Promise<ValidationReport> {
    const report = this.watch.time('validate', () => this.validator.report(this.run, now));
    await this.store.save(report);
    if (!report.passed && report.policy === 'strict') {
      const failed = report.expectations.filter((e) => !e.passed).map((e) => (e.feature ? `${e.feature}.${e.expectation}` : e.expectation));
      throw new TesseraError('validation_failed', `the run's source rows fail ${failed.length} expectation(s) of a strict view: ${failed.join(', ')} (GET /api/v1/runs/${this.run.id}/validation)`);
    }
    return report;
  }
}
