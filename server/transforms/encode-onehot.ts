import { numericColumn } from '../columns/column.js';
import type { Column } from '../columns/column.js';
import type { EncodeSpec } from '../domain/transform-spec.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import { categoryView, countCategories, positionsOf } from './categories.js';
import { stateStrings } from './state.js';
import type { OutputColumn } from './transform.js';

/**
 * One-hot encoding: the top `maxCategories` categories of the fit rows (most frequent first, ties in
 * code-point order) each get an int64 0/1 column named `<feature>__<suffix>`. Unseen and null values
 * give all zeros; with `unknown: 'other'` an extra `other` column is 1 for a non-null unseen value
 * (0 for null).
 *
 * The suffix is the category's slug (see `categorySlug`); a slug already taken gets `_2`, `_3`, ...
 * in category order. With `unknown: 'other'` the suffix `other` is reserved for the extra column, so a
 * category whose slug is `other` becomes `other_2`. A fit column with no non-null value fits no
 * category: the encoding has no columns (only `other`, when asked for).
 */
type OnehotSpec = Extract<EncodeSpec, { method: 'onehot' }>;

export interface OnehotState {
  categories: string[];
  /** Parallel to `categories`; the `other` column is not listed (it follows from the spec). */
  suffixes: string[];
}

export const OTHER_SUFFIX = 'other';

/** Lower-case; each run of characters outside [a-z0-9] becomes one `_`; trim `_`; empty -> `empty`. */
export function categorySlug(category: string): string {
  const slug = category
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return slug === '' ? 'empty' : slug;
}

/** Unique suffixes in category order; `reserved` suffixes are never handed out. */
export function categorySuffixes(categories: readonly string[], reserved: readonly string[] = []): string[] {
  const taken = new Set(reserved);
  return categories.map((category) => {
    const slug = categorySlug(category);
    let suffix = slug;
    for (let k = 2; taken.has(suffix); k++) suffix = `${slug}_${k}`;
    taken.add(suffix);
    return suffix;
  });
}

export function fitOnehot(spec: OnehotSpec, type: FeatureType, column: Column): OnehotState {
  const categories = countCategories(categoryView(column, type)).names.slice(0, spec.maxCategories);
  return { categories, suffixes: categorySuffixes(categories, spec.unknown === 'other' ? [OTHER_SUFFIX] : []) };
}

/** Output suffixes in column order: the categories', then `other` when asked for. */
export function onehotSuffixes(spec: OnehotSpec, state: unknown): string[] {
  const suffixes = stateStrings(state, 'suffixes', 'encode onehot');
  return spec.unknown === 'other' ? [...suffixes, OTHER_SUFFIX] : suffixes;
}

export function applyOnehot(spec: OnehotSpec, type: FeatureType, column: Column, state: unknown): OutputColumn[] {
  const { codes, suffixes } = onehotCodes(spec, type, column, state);
  const n = codes.length;
  const outputs = suffixes.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const k = codes[i];
    if (k >= 0) outputs[k][i] = 1;
  }
  return outputs.map((values, k) => ({ suffix: suffixes[k], type: 'int64', column: numericColumn(values) }));
}

/**
 * The one-hot encoding in compact form: for each row, the index of the output column that holds its
 * 1 (-1: all zeros). `applyOnehot` expands exactly this; the pipeline keeps the compact form, which
 * is one array instead of one per category.
 */
export function onehotCodes(spec: OnehotSpec, type: FeatureType, column: Column, state: unknown): { codes: Int32Array; suffixes: string[] } {
  const categories = stateStrings(state, 'categories', 'encode onehot');
  const suffixes = onehotSuffixes(spec, state);
  const other = spec.unknown === 'other';
  if (suffixes.length !== categories.length + (other ? 1 : 0)) {
    throw new TesseraError('internal', 'the fitted state of encode onehot is malformed: categories and suffixes differ in length');
  }
  const view = categoryView(column, type);
  const n = view.codes.length;
  // Unseen codes point at the `other` column when there is one; -1 writes nowhere.
  const target = positionsOf(view.dictionary, categories);
  if (other) for (let c = 0; c < target.length; c++) if (target[c] < 0) target[c] = categories.length;
  const source = view.codes;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = source[i];
    codes[i] = c < 0 ? -1 : target[c];
  }
  return { codes, suffixes };
}
