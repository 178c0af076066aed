import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numericColumnFrom } from '../../server/columns/column.js';
import type { FeatureInput } from '../../server/domain/feature-view.js';
import { orderByEntity } from '../../server/pipelines/entity-order.js';
import { transformBatch } from '../../server/pipelines/output-batch.js';
import type { RowBatch } from '../../server/pipelines/row-batch.js';
import { valuesOf } from '../transforms/fixtures.js';

const rate: FeatureInput = {
  name: 'rate',
  type: 'float64',
  transforms: [{ impute: { strategy: 'ffill', fallback: 'none' } }, { scale: { method: 'maxabs' } }, { impute: { strategy: 'ffill', fallback: 'median' } }],
};

function batch(ids: number[], ts: number[], rates: (number | null)[]): RowBatch {
  return { length: ids.length, keys: [numericColumnFrom(ids)], eventTs: Float64Array.from(ts), createdTs: null, inputs: new Map([['rate', numericColumnFrom(rates)]]) };
}

test('each ffill step of a feature keeps its own carry, under the feature name and <feature>#<n>', () => {
  const states = { rate: [{}, { maxAbs: 10 }, { median: 3 }] };
  const carry: Record<string, Map<string, number | string>> = {};
  // Driver 1: [null, 5, 10] in time order (given out of order); driver 2: [null].
  // Step 1 -> 1: [null, 5, 10], 2: [null]; maxabs 10 -> [null, 0.5, 1], [null]; step 2: median 3 for
  // each null (nothing earlier). Sharing step 1's carry would put 10 (driver 1's last raw value) first.
  const first = orderByEntity(batch([1, 2, 1, 1], [3, 1, 1, 2], [10, null, null, 5]));
  const out = transformBatch(first.batch, [rate], states, first.rows, carry);
  assert.deepEqual(valuesOf(out.columns[0].column), [3, 0.5, 1, 3]);
  // Step 1 carries raw values, step 2 scaled ones; driver 2 observed nothing.
  assert.deepEqual(Object.keys(carry).sort(), ['rate', 'rate#1']);
  assert.deepEqual([...carry.rate], [['1', 10]]);
  assert.deepEqual([...carry['rate#1']], [['1', 1]]);
  // The next batch: driver 1's null takes its carried 10 (scaled: 1), driver 2 still has nothing earlier.
  const second = orderByEntity(batch([1, 2], [4, 4], [null, null]));
  assert.deepEqual(valuesOf(transformBatch(second.batch, [rate], states, second.rows, carry).columns[0].column), [1, 3]);
});
