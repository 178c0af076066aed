import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { toParquet } from '../../server/offline/parquet-file.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { ms, retrieve, retrieveRange } from './fixture.js';

// Two views over one file: `with_created` breaks ties by the created column, `plain` has none.
const V1 = `driver_id,ts,created,rate
1,2026-11-01T10:00:00Z,2026-11-01T10:00:01Z,1
1,2026-11-02T10:00:00Z,2026-11-02T10:00:01Z,2
2,2026-11-02T10:00:00Z,,3
`;
// The backfill re-reads 2026-11-02 after the source corrected two values and gained a row.
const V2 = `driver_id,ts,created,rate
1,2026-11-01T10:00:00Z,2026-11-01T10:00:01Z,1
1,2026-11-02T10:00:00Z,2026-11-02T10:00:01Z,20
2,2026-11-02T10:00:00Z,,30
2,2026-11-02T11:00:00Z,,4
`;

function bundle(): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [
      { name: 'created_src', type: 'csv', path: 'data/d.csv', timestampField: 'ts', createdTimestampField: 'created' },
      { name: 'plain_src', type: 'csv', path: 'data/d.csv', timestampField: 'ts' },
    ],
    featureViews: [
      { name: 'with_created', entities: ['driver'], source: 'created_src', features: [{ name: 'rate', type: 'float64' }] },
      { name: 'plain', entities: ['driver'], source: 'plain_src', features: [{ name: 'rate', type: 'float64' }] },
    ],
  };
}

let s: Awaited<ReturnType<typeof pipelineServer>>;
const VIEWS = ['with_created', 'plain'];

before(async () => {
  s = await pipelineServer({ 'data/d.csv': V1 }, bundle());
  for (const view of VIEWS) assert.equal((await s.materialize(view)).status, 'succeeded');
  fs.writeFileSync(s.file('data/d.csv'), V2);
  for (const view of VIEWS) {
    const run = await s.materialize(view, { start: '2026-11-01T12:00:00Z', end: '2026-11-03T00:00:00Z' });
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsOut, 3, 'the backfill wrote the window again');
  }
  // A crashed run's file: in the view's folder, listed by no committed snapshot. Its rows would win everywhere.
  for (const view of VIEWS) {
    const table = new arrow.Table({
      driver_id: arrow.vectorFromArray([1n, 2n], new arrow.Int64()),
      event_timestamp: arrow.vectorFromArray([ms('2026-11-02T10:30:00Z'), ms('2026-11-02T10:00:00Z')], new arrow.TimestampMillisecond('UTC')),
      ...(view === 'with_created' ? { created_timestamp: arrow.vectorFromArray([ms('2026-11-05T00:00:00Z'), ms('2026-11-05T00:00:00Z')], new arrow.TimestampMillisecond('UTC')) } : {}),
      rate: arrow.vectorFromArray([666, 666], new arrow.Float64()),
    });
    const dir = path.join(s.dataDir, 'offline', view, 'v1', 'run=999');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'part-0.parquet'), toParquet(table));
  }
});
after(() => s.close());

for (const view of VIEWS) {
  test(`${view}: a backfilled window answers once, with the later snapshot's values; uncommitted files are never read`, async () => {
    const { rows } = await retrieve(s.services, [`${view}:rate`], {
      kind: 'columns',
      columns: {
        driver_id: [1, 1, 2, 2, 1],
        event_timestamp: ['2026-11-02T10:00:00Z', '2026-11-02T10:45:00Z', '2026-11-02T10:30:00Z', '2026-11-02T12:00:00Z', '2026-11-01T23:00:00Z'],
      },
    });
    assert.deepEqual(
      rows.map((r) => r.rate),
      [20, 20, 30, 4, 1],
    );
    // Entity times beyond 2109 leave the packed sort key's range: the STRUCT key answers the same.
    const far = await retrieve(s.services, [`${view}:rate`], { kind: 'columns', columns: { driver_id: [1, 2], event_timestamp: ['2150-01-01T00:00:00Z', '2150-01-01T00:00:00Z'] } });
    assert.deepEqual(
      far.rows.map((r) => r.rate),
      [20, 4],
    );
  });

  test(`${view}: {start, end} returns each row once, the later snapshot's, in (start, end]`, async () => {
    const { columns, rows } = await retrieveRange(s.services, [`${view}:rate`], ms('2026-11-01T10:00:00Z'), ms('2026-11-02T11:00:00Z'));
    const created = view === 'with_created';
    assert.deepEqual(columns, ['driver_id', 'event_timestamp', ...(created ? ['created_timestamp'] : []), 'rate']);
    // 2026-11-01T10:00 is the start, excluded; 2026-11-02T11:00 is the end, included.
    assert.deepEqual(
      rows.map((r) => [r.driver_id, r.event_timestamp, r.rate]),
      [
        [1n, ms('2026-11-02T10:00:00Z'), 20],
        [2n, ms('2026-11-02T10:00:00Z'), 30],
        [2n, ms('2026-11-02T11:00:00Z'), 4],
      ],
    );
    if (created)
      assert.deepEqual(
        rows.map((r) => r.created_timestamp),
        [ms('2026-11-02T10:00:01Z'), null, null],
      );
  });
}

test('the answer pins the snapshots it read', async () => {
  const { result } = await retrieve(s.services, ['plain:rate'], { kind: 'columns', columns: { driver_id: [1], event_timestamp: ['2026-11-02T10:00:00Z'] } });
  const snapshots = await s.services.runs.snapshots('plain', 1);
  assert.equal(snapshots.length, 2);
  assert.deepEqual(
    result.plan.views[0].snapshotIds,
    snapshots.map((x) => x.id),
  );
});
