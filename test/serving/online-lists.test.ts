import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OnlineTally } from '../../server/metrics/online-tally.js';
import { answerColumns } from '../../server/serving/answer-columns.js';
import { foldLists } from '../../server/serving/online-lists.js';
import type { OnlineResponse } from '../../server/serving/online-response.js';
import type { ResolvedFeatures } from '../../server/serving/resolve-features.js';

// Only what answerColumns reads: views' column names, order, lists.
const resolved = (columns: string[], lists: ResolvedFeatures['lists']): ResolvedFeatures =>
  ({
    views: [{ columns: columns.map((c) => ({ column: c, outputName: c, type: 'int64' })) }],
    order: columns.map((_, column) => ({ view: 0, column })),
    lists,
    keys: [],
  }) as unknown as ResolvedFeatures;

test('answerColumns folds each list run of order into one column, empty lists included, in request order', () => {
  // Asked: empty (no category), rate, car_type (3 categories), other_empty at the end.
  const r = resolved(
    ['rate', 'car_type__b', 'car_type__c', 'car_type__a'],
    [
      { name: 'empty', view: 0, at: 0, count: 0 },
      { name: 'car_type', view: 0, at: 1, count: 3 },
      { name: 'other_empty', view: 0, at: 4, count: 0 },
    ],
  );
  assert.deepEqual(answerColumns(r), [
    { view: 0, name: 'empty', list: true, parts: [] },
    { view: 0, name: 'rate', list: false, parts: [0] },
    { view: 0, name: 'car_type', list: true, parts: [1, 2, 3] },
    { view: 0, name: 'other_empty', list: true, parts: [] },
  ]);
});

test('foldLists: lists per row, statuses and timestamps of the row, and the tally counts one status per list', () => {
  const r = resolved(['car_type__b', 'car_type__c', 'rate'], [{ name: 'car_type', view: 0, at: 0, count: 2 }]);
  const found = [[{ eventTs: 1000, values: [1, 0, 0.5] }, null, { eventTs: 10, values: [0, 1, 2] }]] as never;
  const vector = (values: unknown[], statuses: string[]) => ({ values, statuses, event_timestamps: ['t1', 'E', 't0'] });
  const answer = {
    metadata: { feature_names: ['driver_id', 'car_type__b', 'car_type__c', 'rate'] },
    results: [
      vector([1, 2, 3], ['PRESENT', 'PRESENT', 'PRESENT']),
      vector([1, null, 0], ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']),
      vector([0, null, 1], ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']),
      vector([0.5, null, 2], ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']),
    ],
  } as OnlineResponse;
  // The tally as answer() leaves it: one status per stored column and row (3 columns x 3 rows).
  const tally = new OnlineTally();
  tally.PRESENT = 3;
  tally.NOT_FOUND = 3;
  tally.OUTSIDE_MAX_AGE = 3;
  const out = foldLists(answer, 1, answerColumns(r), { found, ttlMs: () => 500, now: 1200, stamp: (ts) => `t${ts}`, epoch: 'E', tally });
  assert.deepEqual(out.metadata.feature_names, ['driver_id', 'car_type', 'rate']);
  assert.deepEqual(out.results[1], { values: [[1, 0], null, [0, 1]], statuses: ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'], event_timestamps: ['t1000', 'E', 't10'] });
  assert.equal(out.results[2], answer.results[3]);
  // Two features x three rows: one PRESENT, NOT_FOUND and OUTSIDE_MAX_AGE each per feature.
  assert.deepEqual([tally.PRESENT, tally.NOT_FOUND, tally.OUTSIDE_MAX_AGE], [2, 2, 2]);
});
