import { numericColumn, stringColumn } from '../columns/column.js';
import type { Column, NumericColumn, StringColumn } from '../columns/column.js';
import type { ImputeSpec } from '../domain/transform-spec.js';
import { TesseraError } from '../errors.js';
import { countCategories } from './categories.js';
import { applyFfill, fitFfill } from './impute-ffill.js';
import type { FfillState } from './impute-ffill.js';
import { infiniteValue, stateValue, transformError } from './state.js';
import { median, mode, moments, positiveZero } from './stats.js';
import type { RowContext } from './transform.js';

/**
 * Imputation: replaces nulls. mean and median turn any numeric input into float64; mode, constant and
 * ffill keep the input type (chain-check.ts holds the type rules). Statistics ignore nulls.
 *
 * Degenerate fit column (no non-null value): the fitted fill value is 0 for numeric types (false for
 * bool) and "" for strings, so the state stays valid JSON and later runs still get a deterministic fill.
 */
export type ImputeState =
  /** mean, median, mode: the fill value (bool as 0/1, as in the column). */
  | { value: number | string }
  /** constant: the value lives in the spec. */
  | Record<string, never>
  | FfillState;

export function fitImpute(spec: ImputeSpec, column: Column, feature: string): ImputeState {
  switch (spec.strategy) {
    case 'mean':
      return { value: finiteFill(moments(numeric(column, spec.strategy).values).mean, feature, 'mean') };
    case 'median':
      return { value: finiteFill(median(numeric(column, spec.strategy).values), feature, 'median') };
    case 'mode':
      return { value: column.kind === 'string' ? (countCategories(column).names[0] ?? '') : finiteFill(mode(column.values), feature, 'mode') };
    case 'constant':
      return {};
    case 'ffill':
      return fitFfill(spec, column, feature);
  }
}

export function applyImpute(spec: ImputeSpec, column: Column, state: unknown, rows: RowContext, feature: string): Column {
  if (spec.strategy === 'ffill') return applyFfill(spec, column, state, rows, feature);
  const fill = spec.strategy === 'constant' ? constantFill(spec.value, column) : stateValue(state, 'value', `impute ${spec.strategy}`);
  if (column.kind === 'string') {
    if (typeof fill !== 'string') throw mismatch(spec.strategy, fill, column);
    return fillString(column, fill);
  }
  if (typeof fill !== 'number') throw mismatch(spec.strategy, fill, column);
  return fillNumeric(column, fill, feature);
}

function numeric(column: Column, strategy: string): NumericColumn {
  if (column.kind !== 'numeric') throw new TesseraError('internal', `impute ${strategy} needs a numeric column`);
  return column;
}

function finiteFill(value: number, feature: string, strategy: string): number {
  // Only infinite inputs or an overflowing sum get here; a null-only column already gave 0.
  if (!Number.isFinite(value)) throw transformError(feature, `the ${strategy} of the fit rows is not finite (${value}); check the source for infinite values`);
  return positiveZero(value);
}

function constantFill(value: number | string | boolean, column: Column): number | string {
  if (typeof value === 'boolean') {
    if (column.kind !== 'numeric') throw mismatch('constant', value, column);
    return value ? 1 : 0;
  }
  return value;
}

function mismatch(strategy: string, value: unknown, column: Column): TesseraError {
  return new TesseraError('internal', `impute ${strategy}: fill value ${JSON.stringify(value)} does not fit a ${column.kind} column`);
}

function fillNumeric(column: NumericColumn, fill: number, feature: string): NumericColumn {
  const values = column.values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Infinity || v === -Infinity) throw infiniteValue(feature, v, i);
    out[i] = v !== v ? fill : v;
  }
  return numericColumn(out);
}

function fillString(column: StringColumn, fill: string): StringColumn {
  let dictionary = column.dictionary;
  let code = dictionary.indexOf(fill);
  if (code < 0) {
    code = dictionary.length;
    dictionary = [...dictionary, fill];
  }
  const codes = column.codes;
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? code : c;
  }
  return stringColumn(out, dictionary);
}
