import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { categoricalSummary } from '../../../server/monitoring/drift/categorical-query.js';
import { decileBins, numericSummary } from '../../../server/monitoring/drift/numeric-query.js';
import { bruteDecileBins, bruteKs, bruteStd, bruteWasserstein, seededNormal } from './brute-force.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
after(() => {
  connection.closeSync();
  instance.closeSync();
});

const values = (xs: (number | string | null)[]) => {
  const rows = xs.map((x) => (x === null ? '(NULL)' : typeof x === 'number' ? `(${x}::DOUBLE)` : `('${x}')`)).join(', ');
  return { relation: `(SELECT * FROM (VALUES ${rows}) t(x))`, column: 'x' };
};
const close = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

test('[1,2,3,4] vs [3,4,5,6]: KS 0.5, Wasserstein 2, reference std √1.25 (normed 1.7888544)', async () => {
  const s = await numericSummary(connection, values([1, 2, 3, 4]), values([3, 4, 5, 6]));
  close(s.ks, 0.5);
  close(s.wasserstein, 2);
  close(s.referenceStd, Math.sqrt(1.25));
  assert.equal(s.distinctValues, 6);
  assert.deepEqual([s.referenceRows, s.detectionRows, s.referenceNulls, s.detectionNulls], [4, 4, 0, 0]);
});

test('numeric summary equals the brute-force statistics on seeded samples with nulls, ties and a shift', async () => {
  const normal = seededNormal(7);
  const ref: (number | null)[] = [];
  const det: (number | null)[] = [];
  for (let i = 0; i < 700; i++) ref.push(i % 37 === 0 ? null : Math.round(normal() * 20) / 4);
  for (let i = 0; i < 450; i++) det.push(i % 11 === 0 ? null : Math.round((normal() + 0.4) * 20) / 4);
  const s = await numericSummary(connection, values(ref), values(det));
  const r = ref.filter((x): x is number => x !== null);
  const d = det.filter((x): x is number => x !== null);
  close(s.ks, bruteKs(r, d), 1e-12);
  close(s.wasserstein, bruteWasserstein(r, d), 1e-9);
  close(s.referenceStd, bruteStd(r), 1e-9);
  assert.equal(s.distinctValues, new Set([...r, ...d]).size);
  assert.deepEqual(decileBins(s), bruteDecileBins(ref, det));
  assert.deepEqual([s.referenceNulls, s.detectionNulls], [ref.length - r.length, det.length - d.length]);
});

test('few distinct values come back as per-value counts; NaN counts as missing', async () => {
  const s = await numericSummary(connection, values([0, 0, 1, 1, 1, null]), { relation: "(SELECT * FROM (VALUES (1.0::DOUBLE), ('NaN'::DOUBLE), (0.0::DOUBLE)) t(x))", column: 'x' });
  assert.deepEqual(s.values, [
    { value: 0, reference: 2, detection: 1 },
    { value: 1, reference: 3, detection: 1 },
  ]);
  assert.deepEqual([s.referenceNulls, s.detectionNulls], [1, 1]);
});

test('categorical summary counts per category, nulls apart, most frequent first', async () => {
  const s = await categoricalSummary(connection, values(['a', 'b', 'a', null, 'c']), values(['b', 'b', 'd', null, null]));
  assert.deepEqual(s.categories, [
    { value: 'b', reference: 1, detection: 2 },
    { value: 'a', reference: 2, detection: 0 },
    { value: 'c', reference: 1, detection: 0 },
    { value: 'd', reference: 0, detection: 1 },
  ]);
  assert.deepEqual([s.referenceNulls, s.detectionNulls, s.merged], [1, 2, 0]);
});
