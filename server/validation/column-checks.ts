import type { FeatureExpect } from '../domain/expectations.js';
import type { FeatureType } from '../domain/value-type.js';
import type { RowBatch } from '../pipelines/row-batch.js';
import type { Check } from './check.js';
import { FailingRows, type RowRenderer } from './failing-rows.js';
import type { ExpectationResult } from './validation-report.js';

/**
 * Every expectation of one feature, in one pass over its source column per batch (the checks share
 * the null test and the extremes). A string column is judged once per dictionary entry, so a regex
 * or an allowed-values list costs one test per distinct value of a batch, not per row.
 */
class FeatureChecks implements Check {
  private rows = 0;
  private nulls = 0;
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;
  private readonly nullRows: FailingRows;
  private readonly belowRows: FailingRows;
  private readonly aboveRows: FailingRows;
  private readonly allowedRows: FailingRows;
  private readonly regexRows: FailingRows;
  private readonly min: number;
  private readonly max: number;
  /** Allowed values of a numeric column (booleans as 0/1), of a string column, or null: no list. */
  private readonly allowedNumbers: Set<number> | null;
  private readonly allowedStrings: Set<string> | null;
  private readonly pattern: RegExp | null;

  constructor(
    private readonly feature: string,
    private readonly column: string,
    type: FeatureType,
    private readonly expect: FeatureExpect,
    cap: number,
  ) {
    [this.nullRows, this.belowRows, this.aboveRows, this.allowedRows, this.regexRows] = Array.from({ length: 5 }, () => new FailingRows(cap));
    this.min = expect.min ?? Number.NEGATIVE_INFINITY;
    this.max = expect.max ?? Number.POSITIVE_INFINITY;
    const allowed = expect.allowedValues;
    this.allowedStrings = allowed && type === 'string' ? new Set(allowed.filter((v): v is string => typeof v === 'string')) : null;
    this.allowedNumbers = allowed && type !== 'string' ? new Set(allowed.map(Number)) : null;
    this.pattern = expect.regex !== undefined ? new RegExp(expect.regex) : null;
  }

  add(batch: RowBatch, render: RowRenderer): void {
    const column = batch.inputs.get(this.column);
    if (!column) throw new Error(`validation: the run's rows have no column '${this.column}'`);
    this.rows += batch.length;
    if (column.kind === 'numeric') {
      const { values } = column;
      const { min, max, allowedNumbers: allowed } = this;
      let low = this.low;
      let high = this.high;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== v) {
          this.nulls++;
          this.nullRows.note(i, render);
          continue;
        }
        if (v < low) low = v;
        if (v > high) high = v;
        if (v < min) this.belowRows.note(i, render);
        if (v > max) this.aboveRows.note(i, render);
        if (allowed !== null && !allowed.has(v)) this.allowedRows.note(i, render);
      }
      this.low = low;
      this.high = high;
      return;
    }
    const { codes, dictionary } = column;
    const allowed = this.allowedStrings;
    const pattern = this.pattern;
    const notAllowed = allowed ? dictionary.map((v) => !allowed.has(v)) : null;
    const notMatching = pattern ? dictionary.map((v) => !pattern.test(v)) : null;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i];
      if (code < 0) {
        this.nulls++;
        this.nullRows.note(i, render);
        continue;
      }
      if (notAllowed?.[code]) this.allowedRows.note(i, render);
      if (notMatching?.[code]) this.regexRows.note(i, render);
    }
  }

  result(): ExpectationResult[] {
    const { expect } = this;
    const out: ExpectationResult[] = [];
    const push = (expectation: ExpectationResult['expectation'], observed: number | null, threshold: ExpectationResult['threshold'], passed: boolean, rows: FailingRows) =>
      out.push({ expectation, feature: this.feature, column: this.column, observed, threshold, passed, failingCount: rows.count, failingRows: rows.rows });
    const some = this.rows > this.nulls;
    if (expect.notNull) push('notNull', this.nulls, 0, this.nulls === 0, this.nullRows);
    if (expect.maxNullFraction !== undefined) {
      const fraction = this.rows === 0 ? 0 : this.nulls / this.rows;
      push('maxNullFraction', fraction, expect.maxNullFraction, fraction <= expect.maxNullFraction, this.nullRows);
    }
    if (expect.min !== undefined) push('min', some ? this.low : null, expect.min, this.belowRows.count === 0, this.belowRows);
    if (expect.max !== undefined) push('max', some ? this.high : null, expect.max, this.aboveRows.count === 0, this.aboveRows);
    if (expect.allowedValues) push('allowedValues', this.allowedRows.count, expect.allowedValues, this.allowedRows.count === 0, this.allowedRows);
    if (expect.regex !== undefined) push('regex', this.regexRows.count, expect.regex, this.regexRows.count === 0, this.regexRows);
    return out;
  }
}

/** The checks of one feature's `expect`, on its source column; null when it expects nothing. */
export function columnChecks(feature: string, column: string, type: FeatureType, expect: FeatureExpect, cap: number): Check[] {
  const any = expect.notNull || expect.maxNullFraction !== undefined || expect.min !== undefined || expect.max !== undefined || expect.allowedValues !== undefined || expect.regex !== undefined;
  return any ? [new FeatureChecks(feature, column, type, expect, cap)] : [];
}
