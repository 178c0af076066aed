import type { ViewValidation } from '../domain/expectations.js';
import { entityKeyAt, type RowBatch } from '../pipelines/row-batch.js';
import type { Check } from './check.js';
import { FailingRows, type RowRenderer } from './failing-rows.js';
import { PairSet } from './pair-set.js';
import type { ExpectationResult } from './validation-report.js';

const viewLevel = { feature: null, column: null } as const;

/** Rows the run read, between `rowCount.min` and `rowCount.max`. */
class RowCountCheck implements Check {
  private rows = 0;
  constructor(private readonly bounds: { min?: number; max?: number }) {}

  add(batch: RowBatch): void {
    this.rows += batch.length;
  }

  result(): ExpectationResult[] {
    const { min, max } = this.bounds;
    const passed = (min === undefined || this.rows >= min) && (max === undefined || this.rows <= max);
    return [{ expectation: 'rowCount', ...viewLevel, observed: this.rows, threshold: { min: min ?? null, max: max ?? null }, passed, failingCount: 0, failingRows: [] }];
  }
}

/**
 * Each entity key at most once per event time: a row repeating an earlier (key, event time) fails. A
 * single key is a number (an int64, or a string key's first-seen id) in a `PairSet`; composite keys
 * are joined as text.
 */
class UniqueKeysCheck implements Check {
  private readonly pairs = new PairSet();
  private readonly ids = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly failing: FailingRows;
  constructor(cap: number) {
    this.failing = new FailingRows(cap);
  }

  add(batch: RowBatch, render: RowRenderer): void {
    const ts = batch.eventTs;
    if (batch.keys.length === 1) {
      const key = batch.keys[0];
      const values = key.kind === 'numeric' ? key.values : this.stringIds(key.codes, key.dictionary);
      for (let i = 0; i < ts.length; i++) if (!this.pairs.add(values[i], ts[i])) this.failing.note(i, render);
      return;
    }
    for (let i = 0; i < ts.length; i++) {
      const id = `${entityKeyAt(batch.keys, i)}\u0002${ts[i]}`;
      if (this.seen.has(id)) this.failing.note(i, render);
      else this.seen.add(id);
    }
  }

  /** A string key column as numbers: each distinct value's id, stable across batches. */
  private stringIds(codes: Int32Array, dictionary: readonly string[]): Float64Array {
    const byCode = dictionary.map((v) => {
      let id = this.ids.get(v);
      if (id === undefined) this.ids.set(v, (id = this.ids.size));
      return id;
    });
    const out = new Float64Array(codes.length);
    for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? -1 : byCode[codes[i]];
    return out;
  }

  result(): ExpectationResult[] {
    const failed = this.failing.count;
    return [{ expectation: 'uniqueKeys', ...viewLevel, observed: failed, threshold: 0, passed: failed === 0, failingCount: failed, failingRows: this.failing.rows }];
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

  result(now: number): ExpectationResult[] {
    const observed = Number.isFinite(this.latest) ? (now - this.latest) / 1000 : null;
    return [{ expectation: 'maxLag', ...viewLevel, observed, threshold: this.maxLag, passed: observed !== null && observed <= this.maxLag, failingCount: 0, failingRows: [] }];
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
