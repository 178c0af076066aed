import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntityRelation } from '../../server/offline/entity-relation.js';
import { keyMode } from '../../server/offline/pit-query.js';
import type { PinnedView } from '../../server/offline/retrieval-plan.js';
import { partitionDay, selectFiles } from '../../server/offline/snapshot-files.js';
import type { SnapshotRecord } from '../../server/domain/snapshot.js';

const ms = (s: string) => Date.parse(s);

function snapshot(id: number, from: string, to: string, files: string[]): SnapshotRecord {
  return {
    id,
    featureView: 'v',
    version: 1,
    runId: id,
    rows: 10,
    windowStart: null,
    windowEnd: 0,
    watermark: null,
    minEventTs: ms(from),
    maxEventTs: ms(to),
    files,
    stats: {},
    onlineSynced: true,
    committedAt: 0,
    replacedBy: null,
  };
}

const day = (d: string, run: number) => `offline/v/v1/date=${d}/${run}-0.parquet`;
const snapshots = [
  snapshot(1, '2026-11-01T00:00:00Z', '2026-11-03T12:00:00Z', [day('2026-11-01', 1), day('2026-11-02', 1), day('2026-11-03', 1)]),
  snapshot(2, '2026-11-04T00:00:00Z', '2026-11-04T23:00:00Z', [day('2026-11-04', 2)]),
  snapshot(3, '2026-11-02T06:00:00Z', '2026-11-02T08:00:00Z', [day('2026-11-02', 3)]),
];

test('files are pruned by snapshot range and date partition, in snapshot order', () => {
  const all = selectFiles(snapshots, (f) => `/data/${f}`, null, null);
  assert.deepEqual(
    all.files,
    [...snapshots.flatMap((s) => s.files)].map((f) => `/data/${f}`),
  );
  assert.deepEqual([all.minTs, all.maxTs], [ms('2026-11-01T00:00:00Z'), ms('2026-11-04T23:00:00Z')]);
  // [11-02 00:00, 11-02 23:59:59.999]: 11-01 ends before, 11-03 starts after; snapshot 2 is out by its range.
  const one = selectFiles(snapshots, (f) => f, ms('2026-11-02T00:00:00Z'), ms('2026-11-02T23:59:59.999Z'));
  assert.deepEqual(one.files, [day('2026-11-02', 1), day('2026-11-02', 3)]);
  // A bound exactly at midnight keeps the day that starts there (the bounds are inclusive).
  assert.deepEqual(selectFiles(snapshots, (f) => f, ms('2026-11-03T00:00:00Z'), ms('2026-11-03T00:00:00Z')).files, [day('2026-11-03', 1)]);
  assert.deepEqual(selectFiles(snapshots, (f) => f, null, ms('2026-10-31T23:59:59.999Z')).files, []);
  assert.equal(partitionDay('offline/v/v1/part-0.parquet'), null);
});

test('overlap is detected across non-adjacent snapshots, and picks the sort key', () => {
  // Snapshot 3 lies inside snapshot 1's range, with snapshot 2 between them in commit order.
  assert.equal(selectFiles(snapshots, (f) => f, null, null).overlapping, true);
  assert.equal(selectFiles(snapshots.slice(0, 2), (f) => f, null, null).overlapping, false);
  // Touching ranges overlap: one instant can be in both.
  assert.equal(selectFiles([snapshot(1, '2026-11-01', '2026-11-02', ['a']), snapshot(2, '2026-11-02', '2026-11-03', ['b'])], (f) => f, null, null).overlapping, true);

  const view = (hasCreated: boolean): PinnedView => ({ view: 'v', version: 1, keys: [], ttl: 0, hasCreated, snapshotIds: [] });
  const entity = (minTs: number, maxTs: number): EntityRelation => ({ sql: '', rows: 1, minTs, maxTs, keys: [], extras: [] });
  const now = entity(ms('2026-11-01'), ms('2026-11-02'));
  const disjoint = selectFiles(snapshots.slice(0, 2), (f) => f, null, null);
  const overlapping = selectFiles(snapshots, (f) => f, null, null);
  assert.equal(keyMode(view(false), disjoint, now), 'plain');
  assert.equal(keyMode(view(false), overlapping, now), 'packed');
  // The old date= layout kept duplicates: a created column needs the struct key...
  assert.equal(disjoint.deduplicated, false);
  assert.equal(keyMode(view(true), disjoint, now), 'struct');
  // ...while snapshots written deduplicated (run=<id>/part-<k>.parquet) join on the event time alone.
  const run = (id: number, from: string, to: string) => snapshot(id, from, to, [`offline/v/v1/run=${id}/part-0.parquet`, `offline/v/v1/run=${id}/part-1.parquet`]);
  const deduplicated = selectFiles([run(1, '2026-11-01', '2026-11-02'), run(2, '2026-11-03', '2026-11-04')], (f) => f, null, null);
  assert.deepEqual([deduplicated.deduplicated, deduplicated.overlapping], [true, false]);
  assert.equal(keyMode(view(true), deduplicated, now), 'plain');
  // Overlapping deduplicated snapshots of a created view still need the created time across them.
  const backfilled = selectFiles([run(1, '2026-11-01', '2026-11-03'), run(2, '2026-11-02', '2026-11-04')], (f) => f, null, null);
  assert.equal(keyMode(view(true), backfilled, now), 'struct');
  assert.equal(keyMode(view(false), backfilled, now), 'packed');
  assert.equal(keyMode(view(false), overlapping, entity(ms('1800-01-01'), ms('2026-11-02'))), 'struct');
  assert.equal(keyMode(view(false), overlapping, entity(ms('2026-11-01'), ms('2150-01-01'))), 'struct');
});
