import { numericColumn, stringColumn } from '../columns/column.js';
import type { Column, NumericColumn, StringColumn } from '../columns/column.js';
import type { ImputeSpec } from '../domain/transform-spec.js';
import { TesseraError } from '../errors.js';
import { infiniteValue, stateNumber, transformError } from './state.js';
import { median as medianOf, positiveZero } from './stats.js';
import type { RowContext } from './transform.js';

/**
 * Forward fill: a null becomes the last non-null value of the same entity in event-time order. Rows
 * arrive sorted by entity then event time, so an entity's rows are one contiguous run of
 * `rows.entityIds`.
 *
 * `rows.carry` links batches and runs: it seeds each entity's first rows with the last value seen
 * before them, and after apply holds each entity's last *observed* value. A fallback median is never
 * carried, so a later batch still prefers a real observation over it. apply mutates `rows.carry`:
 * applying the same rows twice needs a fresh carry each time.
 *
 * fallback 'median' (numeric only): a value still null after the fill (nothing earlier for that
 * entity) becomes the median of the fit column — 0 when the fit column had no non-null value.
 */
type FfillSpec = Extract<ImputeSpec, { strategy: 'ffill' }>;

export type FfillState = { median: number } | Record<string, never>;

export function fitFfill(spec: FfillSpec, column: Column, feature: string): FfillState {
  if (spec.fallback !== 'median') return {};
  if (column.kind !== 'numeric') throw new TesseraError('internal', "ffill fallback 'median' needs a numeric column");
  const median = medianOf(column.values);
  // Infinite inputs are the only way to get here; a state with Infinity could not be stored as JSON.
  if (!Number.isFinite(median)) throw transformError(feature, `the ffill fallback median of the fit rows is not finite (${median}); check the source for infinite values`);
  return { median: positiveZero(median) };
}

export function applyFfill(spec: FfillSpec, column: Column, state: unknown, rows: RowContext, feature: string): Column {
  if (rows.entityIds.length !== (column.kind === 'numeric' ? column.values.length : column.codes.length)) {
    throw new TesseraError('internal', 'ffill: the row context and the column have different lengths');
  }
  if (column.kind === 'numeric') {
    const fallback = spec.fallback === 'median' ? stateNumber(state, 'median', 'impute ffill') : NaN;
    return ffillNumeric(column, fallback, rows, feature);
  }
  if (spec.fallback === 'median') throw new TesseraError('internal', "ffill fallback 'median' needs a numeric column");
  return ffillString(column, rows);
}

function ffillNumeric(column: NumericColumn, fallback: number, rows: RowContext, feature: string): NumericColumn {
  const { entityIds: ids, entityKeys: keys, carry } = rows;
  const values = column.values;
  const n = values.length;
  const out = new Float64Array(n);
  let last = NaN;
  for (let i = 0; i < n; i++) {
    if (i === 0 || ids[i] !== ids[i - 1]) {
      if (carry !== undefined) {
        if (i > 0 && last === last) carry.set(keys[ids[i - 1]], last);
        last = carriedNumber(carry.get(keys[ids[i]]));
      } else {
        last = NaN;
      }
    }
    const v = values[i];
    if (v === Infinity || v === -Infinity) throw infiniteValue(feature, v, i);
    if (v === v) {
      last = v;
      out[i] = v;
    } else {
      out[i] = last === last ? last : fallback;
    }
  }
  if (carry !== undefined && n > 0 && last === last) carry.set(keys[ids[n - 1]], last);
  return numericColumn(out);
}

function carriedNumber(v: number | string | undefined): number {
  if (v === undefined) return NaN;
  if (typeof v !== 'number') throw new TesseraError('internal', `ffill: carried value ${JSON.stringify(v)} is not a number`);
  return v;
}

function ffillString(column: StringColumn, rows: RowContext): StringColumn {
  const { entityIds: ids, entityKeys: keys, carry } = rows;
  const codes = column.codes;
  const n = codes.length;
  const out = new Int32Array(n);
  // Carried strings may be missing from this batch's dictionary; they go into a copy, made only once
  // the first carried value shows up.
  let grown: GrowingDictionary | null = null;
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (i === 0 || ids[i] !== ids[i - 1]) {
      if (carry !== undefined) {
        if (i > 0 && last >= 0) carry.set(keys[ids[i - 1]], (grown?.dictionary ?? column.dictionary)[last]);
        const seed = carry.get(keys[ids[i]]);
        if (seed === undefined) {
          last = -1;
        } else {
          if (typeof seed !== 'string') throw new TesseraError('internal', `ffill: carried value ${JSON.stringify(seed)} is not a string`);
          grown ??= growingDictionary(column.dictionary);
          last = codeIn(grown, seed);
        }
      } else {
        last = -1;
      }
    }
    const c = codes[i];
    if (c >= 0) last = c;
    out[i] = last;
  }
  const dictionary = grown?.dictionary ?? column.dictionary;
  if (carry !== undefined && n > 0 && last >= 0) carry.set(keys[ids[n - 1]], dictionary[last]);
  return stringColumn(out, dictionary);
}

interface GrowingDictionary {
  dictionary: string[];
  index: Map<string, number>;
}

function growingDictionary(dictionary: readonly string[]): GrowingDictionary {
  const index = new Map<string, number>();
  // Backwards, so a duplicated entry maps to its first code.
  for (let c = dictionary.length - 1; c >= 0; c--) index.set(dictionary[c], c);
  return { dictionary: [...dictionary], index };
}

function codeIn(grown: GrowingDictionary, s: string): number {
  let code = grown.index.get(s);
  if (code === undefined) {
    code = grown.dictionary.length;
    grown.dictionary.push(s);
    grown.index.set(s, code);
  }
  return code;
}
