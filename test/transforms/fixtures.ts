import { numericColumnFrom, stringColumnFrom, valueAt } from '../../server/columns/column.js';
import type { Column } from '../../server/columns/column.js';
import type { RowContext } from '../../server/transforms/transform.js';

/** Shared helpers for the transform tests (not a test file itself). */

export const num = numericColumnFrom;
export const str = stringColumnFrom;

/** A column as plain JS values (null for null), for deepEqual. */
export function valuesOf(column: Column): (number | string | null)[] {
  const n = column.kind === 'numeric' ? column.values.length : column.codes.length;
  const out: (number | string | null)[] = [];
  for (let i = 0; i < n; i++) out.push(valueAt(column, i));
  return out;
}

/** Row context from one entity key per row; rows of an entity must be contiguous. */
export function rowsOf(entities: readonly string[], carry?: Map<string, number | string>): RowContext {
  const entityIds = new Int32Array(entities.length);
  const entityKeys: string[] = [];
  for (let i = 0; i < entities.length; i++) {
    if (i === 0 || entities[i] !== entities[i - 1]) entityKeys.push(entities[i]);
    entityIds[i] = entityKeys.length - 1;
  }
  return carry === undefined ? { entityIds, entityKeys } : { entityIds, entityKeys, carry };
}

/**
 * Row context with an empty carry for every ffill step, as a pipeline gives it; pass the same `carries`
 * to the next batch to join the two.
 */
export function carriedRows(entities: readonly string[], carries: Map<number, Map<string, number | string>> = new Map()): RowContext {
  const first = carries.get(0) ?? carries.set(0, new Map()).get(0)!;
  const laterCarry = (ordinal: number) => carries.get(ordinal) ?? carries.set(ordinal, new Map()).get(ordinal)!;
  return { ...rowsOf(entities, first), laterCarry };
}

/** Every row its own entity: for transforms that do not look across rows. */
export function singleRows(n: number): RowContext {
  return rowsOf(Array.from({ length: n }, (_, i) => `e${i}`));
}

/** Asserts numbers equal to within a few ulps, since hand arithmetic may round differently. */
export function close(actual: number | string | null, expected: number, message?: string): void {
  if (typeof actual !== 'number' || Math.abs(actual - expected) > 1e-12 * Math.max(1, Math.abs(expected))) {
    throw new Error(`${message ?? 'value'}: expected ${expected}, got ${String(actual)}`);
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so failures reproduce. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}
