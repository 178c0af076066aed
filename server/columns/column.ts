/**
 * In-memory columns for transforms, statistics and the pipeline. Two shapes cover every feature type:
 *
 * - numeric: float64, int64, bool (0/1) and timestamps (epoch ms) share a Float64Array; **NaN is null**.
 *   A NaN read from a source is treated as missing, as pandas does. An int64 column holding a value
 *   beyond 2^53 is a string column of decimal text instead (`columnFromArrow`), so every digit survives.
 * - string: dictionary-encoded; `codes[i]` indexes `dictionary`, and -1 is null. Dictionary entries are
 *   unique, so per-category work (encoders, counts) runs once per distinct value.
 */
export interface NumericColumn {
  readonly kind: 'numeric';
  readonly values: Float64Array;
}

export interface StringColumn {
  readonly kind: 'string';
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | StringColumn;

export function numericColumn(values: Float64Array): NumericColumn {
  return { kind: 'numeric', values };
}

export function stringColumn(codes: Int32Array, dictionary: readonly string[]): StringColumn {
  return { kind: 'string', codes, dictionary };
}

export function columnLength(column: Column): number {
  return column.kind === 'numeric' ? column.values.length : column.codes.length;
}

/** Builds a string column from JS values (null/undefined = null). */
export function stringColumnFrom(values: ReadonlyArray<string | null | undefined>): StringColumn {
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(v);
      index.set(v, code);
    }
    codes[i] = code;
  }
  return stringColumn(codes, dictionary);
}

/** Builds a numeric column from JS values (null/undefined/NaN = null; booleans as 0/1). */
export function numericColumnFrom(values: ReadonlyArray<number | boolean | null | undefined>): NumericColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  return numericColumn(out);
}

/** Value at row i as a JS value: number, string or null. */
export function valueAt(column: Column, i: number): number | string | null {
  if (column.kind === 'numeric') {
    const v = column.values[i];
    return Number.isNaN(v) ? null : v;
  }
  const c = column.codes[i];
  return c < 0 ? null : column.dictionary[c];
}
