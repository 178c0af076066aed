import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Column, numericColumn, stringColumnFrom } from '../../server/columns/column.js';
import type { FeatureInput } from '../../server/domain/feature-view.js';
import type { RowBatch } from '../../server/pipelines/row-batch.js';
import { RunValidator } from '../../server/validation/run-validator.js';

const H = 3_600_000;
const T = Date.parse('2027-01-15T00:00:00Z');
const layout = { keyColumns: ['id'], timestampColumn: 'ts', createdColumn: null, inputColumns: ['n', 'ok', 'tag'] };
const features: FeatureInput[] = [
  { name: 'n', type: 'int64', transforms: [] },
  { name: 'ok', type: 'bool', transforms: [] },
  { name: 'tag_raw', from: 'tag', type: 'string', transforms: [] },
];

function batch(ids: number[], hours: number[], n: number[], ok: number[], tag: (string | null)[]): RowBatch {
  return {
    length: ids.length,
    keys: [numericColumn(Float64Array.from(ids))],
    eventTs: Float64Array.from(hours, (h) => T + h * H),
    createdTs: null,
    inputs: new Map<string, Column>([
      ['n', numericColumn(Float64Array.from(n))],
      ['ok', numericColumn(Float64Array.from(ok))],
      ['tag', stringColumnFrom(tag)],
    ]),
  };
}

test('expectations accumulate across batches: counts, extremes, row positions and the failing-rows cap', () => {
  const validator = RunValidator.of(
    {
      validation: { policy: 'warn', failingRows: 1, uniqueKeys: true, rowCount: { min: 6 } },
      expectations: { n: { notNull: true, min: 0 }, ok: { allowedValues: [true] }, tag_raw: { regex: '^x-\\d+$', maxNullFraction: 0.5 } },
    },
    features,
    layout,
  )!;
  // Rows 0-2, then rows 3-4. NaN is a null number.
  validator.add(batch([1, 2, 3], [0, 0, 1], [5, Number.NaN, -2], [1, 0, 1], ['x-1', null, 'y-2']));
  validator.add(batch([2, 1], [0, 2], [Number.NaN, 7], [1, 1], ['x-22', 'x-3']));
  const report = validator.report({ id: 9, featureView: 'v', version: 3 }, T + 5 * H);
  const row = (r: number, id: number, h: number, n: number | null, ok: boolean, tag: string | null) => ({
    row: r,
    values: { id, ts: new Date(T + h * H).toISOString(), n, ok, tag },
  });
  assert.equal(report.rows, 5);
  assert.equal(report.passed, false);
  assert.deepEqual(
    report.expectations.map((e) => [e.expectation, e.feature, e.observed, e.passed, e.failingCount, e.failingRows]),
    [
      // n: nulls at rows 1 and 3 (two), only the first kept (cap 1); the smallest value -2 at row 2.
      ['notNull', 'n', 2, false, 2, [row(1, 2, 0, null, false, null)]],
      ['min', 'n', -2, false, 1, [row(2, 3, 1, -2, true, 'y-2')]],
      // ok: false at row 1 only.
      ['allowedValues', 'ok', 1, false, 1, [row(1, 2, 0, null, false, null)]],
      // tag: 'y-2' fails the pattern; 1 null of 5 rows = 0.2 <= 0.5.
      ['maxNullFraction', 'tag_raw', 0.2, true, 1, [row(1, 2, 0, null, false, null)]],
      ['regex', 'tag_raw', 1, false, 1, [row(2, 3, 1, -2, true, 'y-2')]],
      ['rowCount', null, 5, false, 0, []],
      // Row 3 repeats row 1's key (2) and event time (hour 0), in the next batch.
      ['uniqueKeys', null, 1, false, 1, [row(3, 2, 0, null, true, 'x-22')]],
    ],
  );
});

test('a view without expectations on its features has no validator', () => {
  assert.equal(RunValidator.of({}, features, layout), null);
  assert.equal(RunValidator.of({ expectations: { gone: { notNull: true } } }, features, layout), null);
  assert.equal(RunValidator.of({ validation: { policy: 'strict', failingRows: 10 } }, features, layout), null);
});

test('maxLag: now minus the latest event time; a run that read nothing fails it', () => {
  const spec = { validation: { policy: 'warn' as const, failingRows: 10, maxLag: 3600 } };
  const empty = RunValidator.of(spec, features, layout)!;
  assert.deepEqual(empty.report({ id: 1, featureView: 'v', version: 1 }, T).expectations[0], {
    expectation: 'maxLag',
    feature: null,
    column: null,
    observed: null,
    threshold: 3600,
    passed: false,
    failingCount: 0,
    failingRows: [],
  });
  const some = RunValidator.of(spec, features, layout)!;
  some.add(batch([1, 2], [3, 1], [1, 1], [1, 1], ['a', 'b']));
  // Latest event hour 3; now at hour 4: 3600 s, within the limit (<=).
  const result = some.report({ id: 2, featureView: 'v', version: 1 }, T + 4 * H).expectations[0];
  assert.equal(result.observed, 3600);
  assert.equal(result.passed, true);
});
