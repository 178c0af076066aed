import { numericColumn } from '../columns/column.js';
import type { Column, NumericColumn } from '../columns/column.js';
import type { FeatureType } from '../domain/value-type.js';
import { categoryView, countCategories, mapCodes, positionsOf } from './categories.js';
import { stateStrings } from './state.js';

/**
 * Ordinal encoding: each category becomes its 0-based rank in the fit rows, most frequent first, ties
 * in code-point order of the canonical strings. Unseen categories -> -1; null stays null. Output int64.
 * A fit column with no non-null value fits no category, so every later value is unseen (-1).
 */
export interface OrdinalState {
  categories: string[];
}

export function fitOrdinal(type: FeatureType, column: Column): OrdinalState {
  return { categories: countCategories(categoryView(column, type)).names };
}

export function applyOrdinal(type: FeatureType, column: Column, state: unknown): NumericColumn {
  const categories = stateStrings(state, 'categories', 'encode ordinal');
  const view = categoryView(column, type);
  const perCode = Float64Array.from(positionsOf(view.dictionary, categories));
  return numericColumn(mapCodes(view.codes, perCode, NaN));
}
