import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumn, stringColumnFrom } from '../../server/columns/column.js';
import { FitCollector } from '../../server/pipelines/fit-collector.js';
import type { RowBatch } from '../../server/pipelines/row-batch.js';

function batch(times: number[], values: number[], keys: string[] = times.map((_, i) => `k${i}`), created: number[] | null = null): RowBatch {
  return {
    length: times.length,
    keys: [stringColumnFrom(keys)],
    eventTs: Float64Array.from(times),
    createdTs: created ? Float64Array.from(created) : null,
    inputs: new Map([['x', numericColumn(Float64Array.from(values))]]),
  };
}

test('the collector keeps the inputs and the time range; without ties or a window every row is a fit row', () => {
  const collector = new FitCollector();
  collector.add(batch([30, 10], [1, 2]));
  collector.add(batch([50, 20, 40], [3, Number.NaN, 5]));
  assert.equal(collector.length, 5);
  assert.deepEqual(collector.range, { min: 10, max: 50 });
  assert.deepEqual(collector.select(null), { keep: null, min: 10 });
  const columns = [...collector.columns()];
  assert.equal(columns.length, 1);
  assert.equal(columns[0][0], 'x');
  assert.deepEqual([...(columns[0][1] as { values: Float64Array }).values], [1, 2, 3, Number.NaN, 5]);
});

test('with a fit window the collector selects the rows after an instant across batches', () => {
  const collector = new FitCollector();
  collector.add(batch([30, 10], [1, 2]));
  collector.add(batch([50, 20, 40], [3, 4, 5]));
  const selected = collector.select(25);
  // Times after 25: 30 (row 0), 50 (row 2), 40 (row 4); the earliest of them is 30.
  assert.deepEqual([...selected.keep!], [0, 2, 4]);
  assert.equal(selected.min, 30);
  // The start is exclusive: a row at 30 is not after 30.
  assert.deepEqual([...collector.select(30).keep!], [2, 4]);
});

test('a row that loses a tie on key and event time across batches is no fit row; the created time decides first', () => {
  const collector = new FitCollector();
  // a@10 three times: rows 0 (created 7), 2 (created 5), 3 (created 7, read last: wins); b@10 once.
  collector.add(batch([10, 10, 10], [1, 2, 3], ['a', 'b', 'a'], [7, 1, 5]));
  collector.add(batch([10, 20], [4, 5], ['a', 'a'], [7, Number.NaN]));
  assert.deepEqual([...collector.select(null).keep!], [1, 3, 4]);
  assert.deepEqual([...collector.select(10).keep!], [4]);
});
