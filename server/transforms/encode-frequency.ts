import { numericColumn } from '../columns/column.js';
import type { Column, NumericColumn } from '../columns/column.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import { categoryView, countCategories, mapCodes, positionsOf } from './categories.js';
import { stateNumbers, stateStrings } from './state.js';

/**
 * Frequency encoding: a category becomes its share of the non-null fit rows (count / non-null rows).
 * Unseen -> 0; null stays null. Output float64. A fit column with no non-null value fits no category,
 * so every later value is unseen (0).
 *
 * The state is two parallel arrays rather than an object keyed by category: a category named
 * `__proto__` or `constructor` would otherwise clash with JavaScript's own object keys.
 */
export interface FrequencyState {
  /** Most frequent first, ties in code-point order. */
  categories: string[];
  frequencies: number[];
}

export function fitFrequency(type: FeatureType, column: Column): FrequencyState {
  const counts = countCategories(categoryView(column, type));
  return { categories: counts.names, frequencies: counts.counts.map((c) => c / counts.total) };
}

export function applyFrequency(type: FeatureType, column: Column, state: unknown): NumericColumn {
  const categories = stateStrings(state, 'categories', 'encode frequency');
  const frequencies = stateNumbers(state, 'frequencies', 'encode frequency');
  if (frequencies.length !== categories.length) {
    throw new TesseraError('internal', 'the fitted state of encode frequency is malformed: categories and frequencies differ in length');
  }
  const view = categoryView(column, type);
  const positions = positionsOf(view.dictionary, categories);
  const perCode = new Float64Array(positions.length);
  for (let c = 0; c < positions.length; c++) perCode[c] = positions[c] < 0 ? 0 : frequencies[positions[c]];
  return numericColumn(mapCodes(view.codes, perCode, NaN));
}
