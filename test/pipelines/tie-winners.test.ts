import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumn, stringColumnFrom } from '../../server/columns/column.js';
import { tieWinners } from '../../server/pipelines/tie-winners.js';

const rows = (ids: number[], cities: string[], times: number[], created: number[] | null = null) => ({
  length: times.length,
  keys: [numericColumn(Float64Array.from(ids)), stringColumnFrom(cities)],
  eventTs: Float64Array.from(times),
  createdTs: created ? Float64Array.from(created) : null,
});

test('no repeated event time: no row loses', () => {
  assert.equal(tieWinners(rows([1, 1, 2], ['p', 'p', 'p'], [1, 2, 3])), null);
});

test('equal times with other keys are no tie; a full tie goes to the row read last', () => {
  // (1, p)@5 at rows 0 and 3: row 3 wins; (1, q)@5 and (2, p)@5 differ in one key each.
  assert.deepEqual([...tieWinners(rows([1, 1, 2, 1], ['p', 'q', 'p', 'p'], [5, 5, 5, 5]))!], [1, 2, 3]);
});

test('the greatest created time wins; a null created time loses to any, and null against null goes to the row read last', () => {
  const NaN_ = Number.NaN;
  // (1, p)@5: created 9, NaN, 3 -> row 0; (2, p)@5: NaN, NaN -> row 4 (read last).
  const keep = tieWinners(rows([1, 1, 1, 2, 2], ['p', 'p', 'p', 'p', 'p'], [5, 5, 5, 5, 5], [9, NaN_, 3, NaN_, NaN_]));
  assert.deepEqual([...keep!], [0, 4]);
});

test('rows out of time order are grouped by time first: ties are found wherever they were read', () => {
  // (1, p)@5 at rows 0 and 4, (2, p)@3 at rows 1 and 3: rows 3 and 4 win; row 2 is alone at 9.
  assert.deepEqual([...tieWinners(rows([1, 2, 1, 2, 1], ['p', 'p', 'p', 'p', 'p'], [5, 3, 9, 3, 5]))!], [2, 3, 4]);
});
