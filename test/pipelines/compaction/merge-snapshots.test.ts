import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { DuckDbEngine } from '../../../server/offline/duckdb-engine.js';
import { LocalFileStore } from '../../../server/offline/file-store.js';
import { mergeSnapshots } from '../../../server/pipelines/compaction/merge-snapshots.js';
import { duckRows } from '../../support/duckdb.js';
import { tempDir } from '../../support/temp-dir.js';

const root = tempDir();
const engine = new DuckDbEngine({ tempDirectory: path.join(root, 'tmp', 'duckdb'), scratchDirectory: path.join(root, 'tmp', 'scratch'), memoryLimit: '256MB', threads: 2 });
const store = new LocalFileStore(root);
after(() => engine.close());

// Row i has key i % 50 and event time BASE + floor(i / 50) s: rows in i order are in (event time, key) order.
const row = (i: number, rate: number) => `(${i % 50}, TIMESTAMP '2026-11-01 00:00:00' + INTERVAL ${Math.floor(i / 50)} SECOND, ${rate}::DOUBLE)`;

/** A snapshot's file holding rows `from` to `to` - 1 (in reverse order when `reversed`), rate = `rate(i)`. */
async function snapshotFile(name: string, from: number, to: number, rate: (i: number) => number, reversed = false): Promise<string> {
  const ids = Array.from({ length: to - from }, (_, k) => from + k);
  if (reversed) ids.reverse();
  const file = `offline/v/v1/run=${name}/part-0.parquet`;
  const located = await store.stagingPath(file);
  await duckRows(`COPY (SELECT * FROM (VALUES ${ids.map((i) => row(i, rate(i))).join(', ')}) AS t(driver_id, event_timestamp, rate)) TO '${located}' (FORMAT parquet)`);
  await store.publish(located, file);
  return store.locate(file);
}

test('a merge keeps the later snapshot of a tie, sorts, and cuts its files as a run does; its table is dropped', async () => {
  // Rows 1,000-1,499 are in both of the first two snapshots: the later one's values win.
  const files = [await snapshotFile('1', 0, 1500, (i) => i), await snapshotFile('2', 1000, 2200, (i) => 10_000 + i), await snapshotFile('3', 2200, 2600, (i) => i, true)];
  const folder = 'offline/v/v1/run=9';
  const merged = await mergeSnapshots(
    engine,
    store,
    { files, keys: ['driver_id'], hasCreated: false, columns: [{ name: 'rate', type: 'float64', binary: false }], folder },
    { rowsPerFile: 1000, rowGroupRows: 300 },
  );
  const expected = Array.from({ length: 2600 }, (_, i) => [i % 50, i < 1000 || i >= 2200 ? i : 10_000 + i]);

  // 2,600 rows: one full file, then the last 1,600 in two equal files (a run's 1000 / 800 / 800).
  assert.deepEqual(
    merged.files,
    [0, 1, 2].map((k) => `${folder}/part-${k}.parquet`),
  );
  const list = merged.files.map((f) => `'${store.locate(f)}'`).join(', ');
  const counts = await duckRows(`SELECT file_index, count(*) AS n FROM read_parquet([${list}]) GROUP BY ALL ORDER BY file_index`);
  assert.deepEqual(
    counts.map((r) => Number(r.n)),
    [1000, 800, 800],
  );
  const back = await duckRows(`SELECT driver_id, rate FROM read_parquet([${list}]) ORDER BY file_index, file_row_number`);
  assert.deepEqual(
    back.map((r) => [Number(r.driver_id), r.rate]),
    expected,
  );
  assert.equal(merged.rows, 2600);
  assert.deepEqual([merged.minEventTs, merged.maxEventTs], [Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-01T00:00:51Z')]);
  const sum = expected.reduce((s, [, rate]) => s + rate, 0);
  assert.equal(merged.stats.rate.count, 2600);
  assert.ok(Math.abs((merged.stats.rate.mean ?? 0) - sum / 2600) < 1e-9, `${merged.stats.rate.mean} vs ${sum / 2600}`);
  assert.deepEqual([merged.stats.rate.min, merged.stats.rate.max], [0, 12_199]);

  const left = await engine.withConnection(async (c) => (await c.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'm%'")).getRowsJS()[0][0]);
  assert.equal(Number(left), 0);
});
