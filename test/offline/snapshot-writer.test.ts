import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { numericColumn, stringColumn } from '../../server/columns/column.js';
import { DuckDbEngine } from '../../server/offline/duckdb-engine.js';
import { LocalFileStore } from '../../server/offline/file-store.js';
import { SnapshotWriter, fileBounds } from '../../server/offline/snapshot-writer.js';
import { type OutputBatch, onehotColumn } from '../../server/pipelines/output-batch.js';
import { duckRows } from '../support/duckdb.js';
import { seeded } from '../support/seeded.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir();
const engine = new DuckDbEngine({ tempDirectory: path.join(root, 'tmp', 'duckdb'), scratchDirectory: path.join(root, 'tmp', 'scratch'), memoryLimit: '256MB', threads: 2 });
const store = new LocalFileStore(root);
after(() => engine.close());

const DAY = 86_400_000;
const BASE = Date.parse('2022-01-01T00:00:00Z');

/** `n` rows in random order over `span` ms: a key, a float with nulls, a one-hot feature of 3 columns. */
function rows(n: number, span: number, seed: number): OutputBatch {
  const rand = seeded(seed);
  const keys = new Float64Array(n);
  const ts = new Float64Array(n);
  const x = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = Math.floor(rand() * 1000);
    ts[i] = BASE + Math.floor(rand() * span);
    x[i] = rand() < 0.1 ? Number.NaN : rand();
    codes[i] = Math.floor(rand() * 4) - 1;
  }
  return {
    length: n,
    keys: [numericColumn(keys)],
    eventTs: ts,
    createdTs: null,
    columns: [{ name: 'x', type: 'float64', column: numericColumn(x) }, ...['a', 'b', 'c'].map((s, k) => onehotColumn(`cat__${s}`, codes, k))],
  };
}

async function write(folder: string, batches: OutputBatch[], options = { rowsPerFile: 100_000, rowGroupRows: 50_000 }, hasCreated = false) {
  const writer = new SnapshotWriter(engine, store, { folder, keys: [{ name: 'id', type: 'int64' }], hasCreated }, options);
  try {
    for (const b of batches) await writer.add(b);
    return await writer.finish();
  } finally {
    await writer.close();
  }
}

for (const [title, span] of [
  ['three days', 3 * DAY],
  ['four years', 4 * 365 * DAY],
] as const) {
  test(`a snapshot of N rows over ${title} has at most ceil(N / rowsPerFile) + 1 files, sorted by event time then key`, async () => {
    const n = 250_001;
    // Several batches, the way a run feeds them.
    const all = rows(n, span, 7);
    const batches = [0, 60_000, 120_000, 180_000, n].slice(1).map((end, i, ends) => slice(all, i === 0 ? 0 : ends[i - 1], end));
    const written = await write(`offline/v/v1/run=${title.length}`, batches);
    assert.ok(written.files.length <= Math.ceil(n / 100_000) + 1, `${written.files.length} files`);
    assert.equal(written.files.length, 3);
    assert.deepEqual(
      written.files,
      [0, 1, 2].map((k) => `offline/v/v1/run=${title.length}/part-${k}.parquet`),
    );
    const located = written.files.map((f) => `'${store.locate(f)}'`).join(', ');
    // Every row, once; in (event time, key) order across the files in their order; with the same values.
    const back = await duckRows(`SELECT id, epoch_ms(event_timestamp) AS t, x, cat__a, cat__b, cat__c FROM read_parquet([${located}]) ORDER BY file_index, file_row_number`);
    assert.equal(back.length, written.rows);
    for (let i = 1; i < back.length; i++) {
      const [a, b] = [back[i - 1], back[i]];
      assert.ok(a.t! < b.t! || (a.t === b.t && a.id! < b.id!), `row ${i} out of order`);
    }
    const expected = new Map<string, unknown[]>();
    for (let i = 0; i < n; i++) {
      const code = (all.columns[1].onehot as { codes: Int32Array }).codes[i];
      const x = all.columns[0].column.kind === 'numeric' ? all.columns[0].column.values[i] : 0;
      expected.set(`${all.keys[0].kind === 'numeric' ? all.keys[0].values[i] : ''}|${all.eventTs[i]}`, [Number.isNaN(x) ? null : x, ...[0, 1, 2].map((k) => BigInt(code === k ? 1 : 0))]);
    }
    // Random rows can repeat a key and instant: those are one row now.
    assert.equal(written.rows, expected.size);
    assert.equal(written.duplicates, n - expected.size);
    for (const r of back) assert.deepEqual([r.x, r.cat__a, r.cat__b, r.cat__c], expected.get(`${r.id}|${r.t}`));
    // Row groups of ~rowGroupRows, whose event-time ranges do not overlap: readers can skip them.
    const groups = await duckRows(
      `SELECT file_name, row_group_id, row_group_num_rows AS n, stats_min_value AS lo, stats_max_value AS hi FROM parquet_metadata([${located}])
       WHERE path_in_schema = 'event_timestamp' ORDER BY file_name, row_group_id`,
    );
    assert.ok(groups.length >= 5 && groups.length <= 7, `${groups.length} row groups`);
    // DuckDB rounds row groups up to whole vectors of 2,048 rows.
    for (const g of groups) assert.ok(Number(g.n) <= 50_000 + 2048, `row group of ${g.n} rows`);
    for (let i = 1; i < groups.length; i++) assert.ok(String(groups[i - 1].hi) <= String(groups[i].lo), 'row groups overlap in event time');
  });
}

test('of rows equal in key and event time, the greatest created time wins (null loses), then the row read last', async () => {
  const at = (h: number) => BASE + h * 3_600_000;
  const batch = (ids: number[], hours: number[], created: (number | null)[], values: number[], tags: string[]): OutputBatch => ({
    length: ids.length,
    keys: [numericColumn(Float64Array.from(ids))],
    eventTs: Float64Array.from(hours.map(at)),
    createdTs: Float64Array.from(created.map((c) => (c === null ? Number.NaN : at(c)))),
    columns: [
      { name: 'v', type: 'float64', column: numericColumn(Float64Array.from(values)) },
      { name: 'tag', type: 'string', column: stringColumn(Int32Array.from(tags.map((_, i) => i)), tags) },
    ],
  });
  const written = await write(
    'offline/d/v1/run=1',
    [
      batch([1, 1, 2, 3], [1, 1, 1, 1], [5, null, null, 2], [10, 11, 20, 30], ['a', 'b', 'c', 'd']),
      // Key 1: created 5 beats the later created 4 and the later null; key 2: a null-created full tie, the later read wins;
      // key 3: created 2 ties, the later read wins.
      batch([1, 1, 2, 3, 2], [1, 1, 1, 1, 2], [4, null, null, 2, null], [12, 13, 21, 31, 22], ['e', 'f', 'g', 'h', 'i']),
    ],
    { rowsPerFile: 100_000, rowGroupRows: 100_000 },
    true,
  );
  assert.deepEqual([written.rows, written.duplicates], [4, 5]);
  const back = await duckRows(`SELECT id, v, tag FROM read_parquet('${store.locate(written.files[0])}') ORDER BY file_row_number`);
  assert.deepEqual(
    back.map((r) => [r.id, r.v, r.tag]),
    [
      [1n, 10, 'a'],
      [2n, 21, 'g'],
      [3n, 31, 'h'],
      [2n, 22, 'i'],
    ],
  );
  assert.deepEqual(fs.readdirSync(store.locate('offline/d/v1/run=1')), ['part-0.parquet']);
});

test('file bounds: full files while over 2.5 remain, then the rest in equal files, two when over half a file', () => {
  assert.deepEqual(fileBounds(0, 0, 100), []);
  assert.deepEqual(fileBounds(0, 40, 100), [0, 40]);
  assert.deepEqual(fileBounds(0, 50, 100), [0, 50]);
  assert.deepEqual(fileBounds(0, 51, 100), [0, 26, 51]);
  assert.deepEqual(fileBounds(0, 100, 100), [0, 50, 100]);
  assert.deepEqual(fileBounds(0, 250, 100), [0, 83, 167, 250]);
  assert.deepEqual(fileBounds(0, 251, 100), [0, 100, 176, 251]);
  assert.deepEqual(fileBounds(0, 500, 100), [0, 100, 200, 300, 400, 500]);
  // After early files, from the first row not yet written; nothing left, nothing to write.
  assert.deepEqual(fileBounds(400, 640, 100), [400, 480, 560, 640]);
  assert.deepEqual(fileBounds(400, 400, 100), []);
  for (let n = 1; n <= 1000; n++) {
    const b = fileBounds(0, n, 100);
    assert.ok(b.length - 1 <= Math.ceil(n / 100) + 1, `${n} rows: ${b.length - 1} files`);
    assert.equal(b[0], 0);
    assert.equal(b.at(-1), n);
    for (let k = 1; k < b.length; k++) assert.ok(b[k] > b[k - 1] && b[k] - b[k - 1] <= 100, `${n} rows: file ${k} of ${b[k] - b[k - 1]}`);
  }
});

test('rows in order are written two files at a time as they arrive, the rest at the end; the staging tables are dropped', async () => {
  const n = 5300;
  const keys = new Float64Array(n);
  const ts = new Float64Array(n);
  const x = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = i % 7;
    ts[i] = BASE + Math.floor(i / 7) * 1000;
    x[i] = i * 0.5;
    codes[i] = i % 3;
  }
  const all: OutputBatch = {
    length: n,
    keys: [numericColumn(keys)],
    eventTs: ts,
    createdTs: null,
    columns: [{ name: 'x', type: 'float64', column: numericColumn(x) }, ...['a', 'b', 'c'].map((s, k) => onehotColumn(`cat__${s}`, codes, k))],
  };
  const folder = 'offline/o/v1/run=1';
  const writer = new SnapshotWriter(engine, store, { folder, keys: [{ name: 'id', type: 'int64' }], hasCreated: false }, { rowsPerFile: 1000, rowGroupRows: 500 });
  const seen: number[] = [];
  try {
    for (let at = 0; at < n; at += 400) {
      await writer.add(slice(all, at, Math.min(n, at + 400)));
      seen.push(fs.existsSync(store.locate(folder)) ? fs.readdirSync(store.locate(folder)).filter((f) => f.endsWith('.parquet')).length : 0);
    }
    const written = await writer.finish();
    // Two files once 2,500 rows are staged (after the 7th batch), two more at 4,500 (the 12th); the last 1,300 rows are two files of 650.
    assert.deepEqual(seen, [0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 4, 4, 4]);
    assert.deepEqual([written.rows, written.duplicates, written.files.length], [n, 0, 6]);
    const counts = await duckRows(
      `SELECT file_name, count(*) AS n FROM read_parquet([${written.files.map((f) => `'${store.locate(f)}'`).join(', ')}], filename = file_name) GROUP BY ALL ORDER BY file_name`,
    );
    assert.deepEqual(
      counts.map((r) => Number(r.n)),
      [1000, 1000, 1000, 1000, 650, 650],
    );
    const back = await duckRows(`SELECT id, x, cat__b FROM read_parquet([${written.files.map((f) => `'${store.locate(f)}'`).join(', ')}]) ORDER BY file_index, file_row_number`);
    assert.deepEqual(
      back.map((r) => [Number(r.id), r.x, Number(r.cat__b)]),
      Array.from({ length: n }, (_, i) => [i % 7, i * 0.5, i % 3 === 1 ? 1 : 0]),
    );
  } finally {
    await writer.close();
  }
  const left = await engine.withConnection(async (c) => (await c.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'w%'")).getRowsJS()[0][0]);
  assert.equal(Number(left), 0);
});

function slice(batch: OutputBatch, from: number, to: number): OutputBatch {
  const f = (a: Float64Array) => a.slice(from, to);
  const codes = (batch.columns[1].onehot as { codes: Int32Array }).codes.slice(from, to);
  return {
    length: to - from,
    keys: batch.keys.map((k) => numericColumn(f((k as { values: Float64Array }).values))),
    eventTs: f(batch.eventTs),
    createdTs: null,
    columns: [{ ...batch.columns[0], column: numericColumn(f((batch.columns[0].column as { values: Float64Array }).values)) }, ...['a', 'b', 'c'].map((s, k) => onehotColumn(`cat__${s}`, codes, k))],
  };
}
