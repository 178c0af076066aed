import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumnFrom } from '../../server/columns/column.js';
import { orderByEntity } from '../../server/pipelines/entity-order.js';
import type { RowBatch } from '../../server/pipelines/row-batch.js';

function batch(ids: number[], ts: number[], created: number[]): RowBatch {
  return { length: ids.length, keys: [numericColumnFrom(ids)], eventTs: Float64Array.from(ts), createdTs: Float64Array.from(created), inputs: new Map() };
}

test('rows tied on entity and event time: no created time first, in input order; then by created time', () => {
  // One entity, one event time. Rows 0, 2, 3 and 5 have no created time (NaN): they keep their input
  // order, ahead of the rest; rows 1 and 4 follow by created time (7 before 9).
  const { order } = orderByEntity(batch([1, 1, 1, 1, 1, 1], [5, 5, 5, 5, 5, 5], [Number.NaN, 9, Number.NaN, Number.NaN, 7, Number.NaN]));
  assert.deepEqual([...order], [0, 2, 3, 5, 4, 1]);
});

test('many rows tied on entity and event time, most without a created time: the same order at any size', () => {
  // A sort needs a consistent comparator: two rows without created times must compare equal (input
  // order decides), never each before the other. Expected order computed independently: the NaN rows
  // by index, then the others by (created, index).
  const n = 300;
  const created = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? (i * 37) % 11 : Number.NaN));
  const expected = [
    ...created.map((c, i) => [c, i] as const).filter(([c]) => Number.isNaN(c)),
    ...created
      .map((c, i) => [c, i] as const)
      .filter(([c]) => !Number.isNaN(c))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]),
  ].map(([, i]) => i);
  const { order } = orderByEntity(batch(new Array(n).fill(1), new Array(n).fill(5), created));
  assert.deepEqual([...order], expected);
});

test('entity first, then event time, then created time', () => {
  const { order } = orderByEntity(batch([2, 1, 1, 2], [1, 2, 1, 1], [Number.NaN, 1, 1, 0]));
  // Entity 2 was seen first, so it ranks by its key text: "1" < "2".
  assert.deepEqual([...order], [2, 1, 0, 3]);
});
