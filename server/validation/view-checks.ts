import type { ViewValidation } from '../domain/expectations.js';
import { entityKeyAt, type RowBatch } from '../pipelines/row-batch.js';
import type { Check } from './check.js';
import { FailingRows, type RowRenderer } from './failing-rows.js';
import type { ExpectationResult } from './validation-report.js';

const viewLevel = { feature: null, column: null } as const;

/** Rows the run read, between `rowCount.min` and `rowCount.max`. */
class RowCountCheck implements Check {
  private rows = 0;
  constructor(private readonly bounds: { min?: number; max?: number }) {}

  add(batch: RowBatch): void {
    this.rows += batch.length;
  }

  result(): ExpectationResult {
    const { min, max } = this.bounds;
    const passed = (min === undefined || this.rows >= min) && (max === undefined || this.rows <= max);
    return { expectation: 'rowCount', ...viewLevel, observed: this.rows, threshold: { min: min ?? null, max: max ?? null }, passed, failingCount: 0, failingRows: [] };
  }
}

/** Each entity key at most once per event time: a row repeating an earlier (key, event time) fails. */
class UniqueKeysCheck implements Check {
  private readonly seen = new Set<string>();
  private readonly failing: FailingRows;
  constructor(cap: number) {
    this.failing = new FailingRows(cap);
  }

  add(batch: RowBatch, render: RowRenderer): void {
    for (let i = 0; i < batch.length; i++) {
      const id = `${entityKeyAt(batch.keys, i)}\u0002${batch.eventTs[i]}`;
      if (this.seen.has(id)) this.failing.note(i, render);
      else this.seen.add(id);
    }
  }

  result(): ExpectationResult {
    const failed = this.failing.count;
    return { expectation: 'uniqueKeys', ...viewLevel, observed: failed, threshold: 0, passed: failed === 0, failingCount: failed, failingRows: this.failing.rows };
  }
}

/**
 * Now minus the latest event time the run read, in seconds, at most `maxLag`. A run that read no row
 * has no latest event time: it fails (nothing new arrived, which is what the expectation guards).
 */
class MaxLagCheck implements Check {
  private latest = Number.NEGATIVE_INFINITY;
  constructor(private readonly maxLag: number) {}

  add(batch: RowBatch): void {
    const ts = batch.eventTs;
    for (let i = 0; i < ts.length; i++) if (ts[i] > this.latest) this.latest = ts[i];
  }

  result(now: number): ExpectationResult {
    const observed = Number.isFinite(this.latest) ? (now - this.latest) / 1000 : null;
    return { expectation: 'maxLag', ...viewLevel, observed, threshold: this.maxLag, passed: observed !== null && observed <= this.maxLag, failingCount: 0, failingRows: [] };
  }
}

/** The view-level checks of a view's `validation`. */
export function viewChecks(validation: ViewValidation): Check[] {
  const checks: Check[] = [];
  if (validation.rowCount && (validation.rowCount.min !== undefined || validation.rowCount.max !== undefined)) checks.push(new RowCountCheck(validation.rowCount));
  if (validation.uniqueKeys) checks.push(new UniqueKeysCheck(validation.failingRows));
  if (validation.maxLag !== undefined) checks.push(new MaxLagCheck(validation.maxLag));
  return checks;
}
