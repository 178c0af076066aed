import type { Column } from '../columns/column.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';

/**
 * Categories for the encoders. Every categorical input (string, int64, bool) is seen as a
 * dictionary-encoded column of canonical strings — integers in decimal, booleans as "true"/"false" — so
 * each encoder computes its answer once per distinct value and then maps codes, never per row.
 */
export interface CategoryView {
  /** Index into `dictionary` per row; -1 is null. */
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
  /** True when no string repeats in `dictionary` (it is built here); a source's column may not promise it. */
  readonly unique?: boolean;
}

/** Beyond this span of integer values a lookup table costs more memory than a Map saves time. */
const MAX_DENSE_SPAN = 1 << 20;

export function categoryView(column: Column, type: FeatureType): CategoryView {
  if (column.kind === 'string') return column;
  if (type === 'bool') return boolView(column.values);
  if (type === 'int64') return intView(column.values);
  throw new TesseraError('internal', `a ${type} column has no categories`);
}

function boolView(values: Float64Array): CategoryView {
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v !== v ? -1 : v !== 0 ? 1 : 0;
  }
  return { codes, dictionary: ['false', 'true'], unique: true };
}

function intView(values: Float64Array): CategoryView {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
  }
  const codes = new Int32Array(values.length);
  const dictionary: string[] = [];
  if (min === Infinity) {
    codes.fill(-1);
    return { codes, dictionary, unique: true };
  }
  const span = max - min + 1;
  if (integral && span <= Math.max(MAX_DENSE_SPAN, values.length)) {
    // Ids and small counts usually fit a table indexed by value - min: one array read per row.
    const table = new Int32Array(span).fill(-1);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) {
        codes[i] = -1;
        continue;
      }
      const k = v - min;
      let code = table[k];
      if (code < 0) {
        code = table[k] = dictionary.length;
        dictionary.push(String(v));
      }
      codes[i] = code;
    }
    return { codes, dictionary, unique: true };
  }
  const index = new Map<number, number>();
  let lastValue = NaN;
  let lastCode = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) {
      codes[i] = -1;
      continue;
    }
    // Rows come grouped by entity, so equal values often repeat: skip the Map for a repeat.
    if (v !== lastValue) {
      let code = index.get(v);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(String(v));
        index.set(v, code);
      }
      lastValue = v;
      lastCode = code;
    }
    codes[i] = lastCode;
  }
  return { codes, dictionary, unique: true };
}

/**
 * Orders strings by Unicode code point. `<` compares UTF-16 units, which ranks U+10000 and above
 * (surrogate pairs) below U+E000-U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  // A difference in the low half of a pair is a difference of the whole code point.
  if (i > 0 && isHighSurrogate(a.charCodeAt(i - 1))) {
    const d = (a.codePointAt(i - 1) as number) - (b.codePointAt(i - 1) as number);
    if (d !== 0) return d;
  }
  return (a.codePointAt(i) as number) - (b.codePointAt(i) as number);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export interface CategoryCounts {
  /** Distinct non-null categories, most frequent first, ties in code-point order. */
  names: string[];
  counts: number[];
  /** Non-null rows. */
  total: number;
}

export function countCategories(view: CategoryView): CategoryCounts {
  const perCode = new Float64Array(view.dictionary.length);
  const codes = view.codes;
  let total = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0) {
      perCode[c]++;
      total++;
    }
  }
  const names: string[] = [];
  const counts: number[] = [];
  if (view.unique === true) {
    for (let c = 0; c < perCode.length; c++) {
      if (perCode[c] > 0) {
        names.push(view.dictionary[c]);
        counts.push(perCode[c]);
      }
    }
  } else {
    // A source's dictionary is meant to be unique; summing by name keeps the counts right if not.
    const byName = new Map<string, number>();
    for (let c = 0; c < perCode.length; c++) {
      if (perCode[c] > 0) byName.set(view.dictionary[c], (byName.get(view.dictionary[c]) ?? 0) + perCode[c]);
    }
    for (const [name, count] of byName) {
      names.push(name);
      counts.push(count);
    }
  }
  // UTF-16 order is code-point order unless a string holds a unit >= U+D800; the native comparison
  // is much faster, and ties are common (many ids seen equally often).
  const byCodePoint = names.some((name) => WIDE.test(name));
  const order = names.map((_, k) => k);
  order.sort((x, y) => counts[y] - counts[x] || (byCodePoint ? compareCodePoints(names[x], names[y]) : names[x] < names[y] ? -1 : names[x] > names[y] ? 1 : 0));
  return { names: order.map((k) => names[k]), counts: order.map((k) => counts[k]), total };
}

const WIDE = /[\ud800-\uffff]/;

/** For each dictionary code, the position of its string in `names`, or -1 when it is not there. */
export function positionsOf(dictionary: readonly string[], names: readonly string[]): Int32Array {
  const position = new Map<string, number>();
  for (let k = 0; k < names.length; k++) position.set(names[k], k);
  const out = new Int32Array(dictionary.length);
  for (let c = 0; c < dictionary.length; c++) out[c] = position.get(dictionary[c]) ?? -1;
  return out;
}

/** Spreads a per-code answer over the rows; null rows get `ifNull`. */
export function mapCodes(codes: Int32Array, perCode: Float64Array, ifNull: number): Float64Array {
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    out[i] = c < 0 ? ifNull : perCode[c];
  }
  return out;
}
