import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumn } from '../../server/columns/column.js';
import { FitCollector } from '../../server/pipelines/fit-collector.js';
import type { RowBatch } from '../../server/pipelines/row-batch.js';

function batch(times: number[], values: number[]): RowBatch {
  return { length: times.length, keys: [], eventTs: Float64Array.from(times), createdTs: null, inputs: new Map([['x', numericColumn(Float64Array.from(values))]]) };
}

test('without a fit window the collector keeps the inputs and the time range, not the times', () => {
  const collector = new FitCollector(false);
  collector.add(batch([30, 10], [1, 2]));
  collector.add(batch([50, 20, 40], [3, Number.NaN, 5]));
  assert.equal(collector.length, 5);
  assert.deepEqual(collector.range, { min: 10, max: 50 });
  assert.throws(() => collector.select(15), /event time/);
  const columns = [...collector.columns()];
  assert.equal(columns.length, 1);
  assert.equal(columns[0][0], 'x');
  assert.deepEqual([...(columns[0][1] as { values: Float64Array }).values], [1, 2, 3, Number.NaN, 5]);
});

test('with a fit window the collector selects the rows after an instant across batches', () => {
  const collector = new FitCollector(true);
  collector.add(batch([30, 10], [1, 2]));
  collector.add(batch([50, 20, 40], [3, 4, 5]));
  const selected = collector.select(25);
  // Times after 25: 30 (row 0), 50 (row 2), 40 (row 4); the earliest of them is 30.
  assert.deepEqual([...selected.keep], [0, 2, 4]);
  assert.equal(selected.min, 30);
});
