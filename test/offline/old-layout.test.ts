import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { toParquet } from '../../server/offline/parquet-file.js';
import { compactor } from '../../server/services.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';
import { ms, retrieve, retrieveRange } from './fixture.js';

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'src', type: 'csv', path: 'data/d.csv', timestampField: 'ts', createdTimestampField: 'created' }],
  featureViews: [{ name: 'legacy', entities: ['driver'], source: 'src', features: [{ name: 'rate', type: 'float64' }] }],
};

/** A file as the first layout wrote it: `date=YYYY-MM-DD/<runId>-<part>.parquet`, TIMESTAMP(MILLIS, UTC), duplicates kept. */
function oldFile(rows: [number, string, string | null, number][]): Uint8Array {
  const ts = (t: string | null) => (t === null ? null : ms(t));
  return toParquet(
    new arrow.Table({
      driver_id: arrow.vectorFromArray(
        rows.map((r) => BigInt(r[0])),
        new arrow.Int64(),
      ),
      event_timestamp: arrow.vectorFromArray(
        rows.map((r) => ts(r[1])),
        new arrow.TimestampMillisecond('UTC'),
      ),
      created_timestamp: arrow.vectorFromArray(
        rows.map((r) => ts(r[2])),
        new arrow.TimestampMillisecond('UTC'),
      ),
      rate: arrow.vectorFromArray(
        rows.map((r) => r[3]),
        new arrow.Float64(),
      ),
    }),
  );
}

test('a data dir written with the old date=YYYY-MM-DD layout reads as before, beside snapshots of the new one', async () => {
  const s = await pipelineServer({ 'data/d.csv': 'driver_id,ts,created,rate\n1,2026-11-03T10:00:00Z,,3\n2,2026-11-03T10:00:00Z,,30\n' }, bundle);
  try {
    const { runs, files, clock } = s.services;
    // The snapshot an older Tessera committed: two date partitions, a created-time tie kept in the file.
    const run = await runs.enqueue({ featureView: 'legacy', version: 1, trigger: 'manual', start: null, end: ms('2026-11-02T00:00:00Z'), maxAttempts: 1 }, clock.now());
    await runs.claim('old', clock.now(), run.id);
    const old = [`offline/legacy/v1/date=2026-10-31/${run.id}-0.parquet`, `offline/legacy/v1/date=2026-11-01/${run.id}-0.parquet`];
    await files.writeAtomic(old[0], oldFile([[1, '2026-10-31T10:00:00Z', null, 0.5]]));
    await files.writeAtomic(
      old[1],
      oldFile([
        [1, '2026-11-01T10:00:00Z', '2026-11-01T10:00:09Z', 2],
        [1, '2026-11-01T10:00:00Z', '2026-11-01T10:00:01Z', 1],
        [2, '2026-11-01T10:00:00Z', null, 20],
      ]),
    );
    await runs.commitSnapshot(
      {
        runId: run.id,
        featureView: 'legacy',
        version: 1,
        rows: 4,
        windowStart: null,
        windowEnd: ms('2026-11-02T00:00:00Z'),
        minEventTs: ms('2026-10-31T10:00:00Z'),
        maxEventTs: ms('2026-11-01T10:00:00Z'),
        files: old,
        stats: {},
        watermark: ms('2026-11-02T00:00:00Z'),
        fittedState: null,
        carry: {},
        counts: { rowsIn: 4, rowsOut: 4, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
        steps: [],
      },
      clock.now(),
    );
    await runs.succeed(run.id, clock.now(), []);
    // A run of today's Tessera adds a snapshot in the run=<id> layout.
    const now = await s.materialize('legacy');
    assert.equal(now.status, 'succeeded', now.error);
    const snapshots = await runs.snapshots('legacy', 1);
    assert.deepEqual(snapshots[1].files, [`offline/legacy/v1/run=${now.id}/part-0.parquet`]);

    const { rows } = await retrieve(s.services, ['legacy:rate'], {
      kind: 'columns',
      columns: {
        driver_id: [1, 1, 2, 1, 2, 1],
        event_timestamp: ['2026-10-31T12:00:00Z', '2026-11-01T10:00:00Z', '2026-11-02T00:00:00Z', '2026-11-03T10:00:00Z', '2026-11-04T00:00:00Z', '2026-10-30T00:00:00Z'],
      },
    });
    // The greatest created time wins the tie inside the old file.
    assert.deepEqual(
      rows.map((r) => r.rate),
      [0.5, 2, 20, 3, 30, null],
    );
    const range = await retrieveRange(s.services, ['legacy:rate'], ms('2026-10-01T00:00:00Z'), ms('2026-12-01T00:00:00Z'));
    assert.deepEqual(
      range.rows.map((r) => [Number(r.driver_id), r.rate]),
      [
        [1, 0.5],
        [1, 2],
        [2, 20],
        [1, 3],
        [2, 30],
      ],
    );
    const online = await postJson(`${s.url}/get-online-features`, { features: ['legacy:rate'], entities: { driver_id: [1, 2] } });
    assert.deepEqual(online.body.results[1].values, [3, 30]);

    // Compaction merges an old-layout snapshot with a new one into the new layout; the answers stay.
    const merged = await compactor(s.services, 'test').compact('legacy', 1, snapshots);
    assert.ok(merged !== null);
    const [only] = await runs.snapshots('legacy', 1);
    assert.equal(only.id, merged);
    assert.match(only.files[0], /^offline\/legacy\/v1\/run=\d+\/part-0\.parquet$/);
    assert.equal(only.rows, 5, 'the created-time tie kept in the old file is resolved');
    const again = await retrieve(s.services, ['legacy:rate'], {
      kind: 'columns',
      columns: {
        driver_id: [1, 1, 2, 1, 2, 1],
        event_timestamp: ['2026-10-31T12:00:00Z', '2026-11-01T10:00:00Z', '2026-11-02T00:00:00Z', '2026-11-03T10:00:00Z', '2026-11-04T00:00:00Z', '2026-10-30T00:00:00Z'],
      },
    });
    assert.deepEqual(
      again.rows.map((r) => r.rate),
      [0.5, 2, 20, 3, 30, null],
    );
    assert.deepEqual((await retrieveRange(s.services, ['legacy:rate'], ms('2026-10-01T00:00:00Z'), ms('2026-12-01T00:00:00Z'))).rows, range.rows);
  } finally {
    await s.close();
  }
});
