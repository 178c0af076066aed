import type { Column } from '../columns/column.js';
import type { FeatureExpect, ViewValidation } from '../domain/expectations.js';
import type { FeatureInput } from '../domain/feature-view.js';
import { formatTimestamp } from '../domain/time.js';
import type { FeatureType } from '../domain/value-type.js';
import type { BatchLayout, RowBatch } from '../pipelines/row-batch.js';
import type { Check } from './check.js';
import { columnChecks } from './column-checks.js';
import type { FailingRow } from './validation-report.js';
import type { ValidationReport } from './validation-report.js';
import { viewChecks } from './view-checks.js';

/** A view's expectations as its metadata holds them (`validation`, and `expect` by feature name). */
export interface ValidationSpec {
  validation?: ViewValidation;
  expectations?: Record<string, FeatureExpect>;
}

const DEFAULTS: ViewValidation = { policy: 'warn', failingRows: 10 };

function cell(column: Column, i: number, type: FeatureType | 'timestamp' | 'key'): string | number | boolean | null {
  if (column.kind === 'string') return column.codes[i] < 0 ? null : column.dictionary[column.codes[i]];
  const v = column.values[i];
  if (v !== v) return null;
  if (type === 'bool') return v !== 0;
  if (type === 'timestamp') return formatTimestamp(v);
  return v;
}

/**
 * Checks a run's typed source rows, batch by batch, against its view's expectations (applied to the
 * features of the version the run writes; an expectation on a feature that version lacks is ignored).
 */
export class RunValidator {
  private readonly checks: Check[];
  /** Source column -> the type its features read it as (how a failing row's values are shown). */
  private readonly types: Map<string, FeatureType>;
  private rows = 0;
  readonly policy: ViewValidation['policy'];

  private constructor(
    spec: ViewValidation,
    features: FeatureInput[],
    expectations: Record<string, FeatureExpect>,
    private readonly layout: BatchLayout,
  ) {
    this.policy = spec.policy;
    this.types = new Map(features.map((f) => [f.from ?? f.name, f.type]));
    this.checks = [...features.flatMap((f) => (expectations[f.name] ? columnChecks(f.name, f.from ?? f.name, f.type, expectations[f.name], spec.failingRows) : [])), ...viewChecks(spec)];
  }

  /** The validator of a run, or null when its view expects nothing of these features. */
  static of(spec: ValidationSpec, features: FeatureInput[], layout: BatchLayout): RunValidator | null {
    const validator = new RunValidator(spec.validation ?? DEFAULTS, features, spec.expectations ?? {}, layout);
    return validator.checks.length ? validator : null;
  }

  add(batch: RowBatch): void {
    const offset = this.rows;
    const render = (i: number): FailingRow => ({ row: offset + i, values: this.values(batch, i) });
    for (const check of this.checks) check.add(batch, render);
    this.rows += batch.length;
  }

  report(run: { id: number; featureView: string; version: number }, now: number): ValidationReport {
    const expectations = this.checks.flatMap((c) => c.result(now));
    return { runId: run.id, featureView: run.featureView, version: run.version, policy: this.policy, passed: expectations.every((e) => e.passed), rows: this.rows, checkedAt: now, expectations };
  }

  private values(batch: RowBatch, i: number): FailingRow['values'] {
    const out: FailingRow['values'] = {};
    this.layout.keyColumns.forEach((name, k) => {
      out[name] = cell(batch.keys[k], i, 'key');
    });
    out[this.layout.timestampColumn] = formatTimestamp(batch.eventTs[i]);
    if (this.layout.createdColumn && batch.createdTs) out[this.layout.createdColumn] = batch.createdTs[i] !== batch.createdTs[i] ? null : formatTimestamp(batch.createdTs[i]);
    for (const [name, column] of batch.inputs) out[name] = cell(column, i, this.types.get(name) ?? 'float64');
    return out;
  }
}
