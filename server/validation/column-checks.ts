import type { Column } from '../columns/column.js';
import type { FeatureExpect } from '../domain/expectations.js';
import type { FeatureType } from '../domain/value-type.js';
import type { RowBatch } from '../pipelines/row-batch.js';
import type { Check } from './check.js';
import { FailingRows, type RowRenderer } from './failing-rows.js';
import type { ExpectationKind, ExpectationResult } from './validation-report.js';

interface Target {
  feature: string;
  column: string;
  cap: number;
}

function input(batch: RowBatch, column: string): Column {
  const c = batch.inputs.get(column);
  if (!c) throw new Error(`validation: the run's rows have no column '${column}'`);
  return c;
}

/**
 * A row-by-row expectation: `failing(column)` gives, per row, whether it fails (a string column is
 * judged once per dictionary entry, so regexes and allowed values cost one test per distinct value).
 */
class RowCheck implements Check {
  private readonly failing: FailingRows;
  private rows = 0;
  private nonNull = 0;
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly kind: ExpectationKind,
    private readonly target: Target,
    private readonly threshold: ExpectationResult['threshold'],
    private readonly fails: { numeric?: (v: number) => boolean; text?: (v: string) => boolean; nulls?: boolean },
  ) {
    this.failing = new FailingRows(target.cap);
  }

  add(batch: RowBatch, render: RowRenderer): void {
    const column = input(batch, this.target.column);
    this.rows += batch.length;
    const nulls = this.fails.nulls === true;
    if (column.kind === 'numeric') {
      const test = this.fails.numeric;
      const values = column.values;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v) {
          if (nulls) this.failing.note(i, render);
          continue;
        }
        this.nonNull++;
        if (v < this.low) this.low = v;
        if (v > this.high) this.high = v;
        if (test?.(v)) this.failing.note(i, render);
      }
      return;
    }
    const test = this.fails.text;
    const bad = test ? column.dictionary.map(test) : null;
    const codes = column.codes;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code < 0) {
        if (nulls) this.failing.note(i, render);
        continue;
      }
      this.nonNull++;
      if (bad?.[code]) this.failing.note(i, render);
    }
  }

  result(): ExpectationResult {
    const { feature, column } = this.target;
    const failed = this.failing.count;
    let observed: number | null = failed;
    let passed = failed === 0;
    if (this.kind === 'maxNullFraction') {
      observed = this.rows === 0 ? 0 : (this.rows - this.nonNull) / this.rows;
      passed = observed <= (this.threshold as number);
    } else if (this.kind === 'min') observed = this.nonNull ? this.low : null;
    else if (this.kind === 'max') observed = this.nonNull ? this.high : null;
    return { expectation: this.kind, feature, column, observed, threshold: this.threshold, passed, failingCount: failed, failingRows: this.failing.rows };
  }
}

/** The checks of one feature's `expect`, on its source column. */
export function columnChecks(feature: string, column: string, type: FeatureType, expect: FeatureExpect, cap: number): Check[] {
  const target = { feature, column, cap };
  const checks: Check[] = [];
  if (expect.notNull) checks.push(new RowCheck('notNull', target, 0, { nulls: true }));
  if (expect.maxNullFraction !== undefined) checks.push(new RowCheck('maxNullFraction', target, expect.maxNullFraction, { nulls: true }));
  const { min, max } = expect;
  if (min !== undefined) checks.push(new RowCheck('min', target, min, { numeric: (v) => v < min }));
  if (max !== undefined) checks.push(new RowCheck('max', target, max, { numeric: (v) => v > max }));
  if (expect.allowedValues) {
    const allowed = expect.allowedValues;
    // Booleans are numeric columns of 0/1.
    const numbers = new Set(allowed.map((v) => (typeof v === 'boolean' ? Number(v) : v)).filter((v): v is number => typeof v === 'number'));
    const strings = new Set(allowed.filter((v): v is string => typeof v === 'string'));
    checks.push(new RowCheck('allowedValues', target, allowed, type === 'string' ? { text: (v) => !strings.has(v) } : { numeric: (v) => !numbers.has(v) }));
  }
  if (expect.regex !== undefined) {
    const pattern = new RegExp(expect.regex);
    checks.push(new RowCheck('regex', target, expect.regex, { text: (v) => !pattern.test(v) }));
  }
  return checks;
}
