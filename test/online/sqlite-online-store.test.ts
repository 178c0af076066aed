import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { numericColumnFrom } from '../../server/columns/column.js';
import { SqliteOnlineStore } from '../../server/online/sqlite-online-store.js';
import { loaderArgs, moduleUrl } from '../support/node-child.js';
import { tempDir } from '../support/temp-dir.js';

test('sqlite: reading while another process writes never fails and never sees half a row', async () => {
  const file = path.join(tempDir(), 'online.db');
  const table = {
    view: 'v',
    version: 1,
    keys: [{ name: 'id', type: 'int64' as const }],
    columns: [
      { name: 'a', type: 'float64' as const },
      { name: 'b', type: 'float64' as const },
    ],
  };
  const reader = new SqliteOnlineStore(file);
  await reader.createTable(table);
  // The writer rewrites every row each round with a = b = round, in another process.
  const script = `
    import { numericColumnFrom } from ${JSON.stringify(moduleUrl(import.meta.url, '../../server/columns/column.ts').href)};
    import { SqliteOnlineStore } from ${JSON.stringify(moduleUrl(import.meta.url, '../../server/online/sqlite-online-store.ts').href)};
    const store = new SqliteOnlineStore(${JSON.stringify(file)});
    const table = ${JSON.stringify(table)};
    const n = 20000;
    const ids = numericColumnFrom(Array.from({ length: n }, (_, i) => i));
    for (let round = 1; round <= 40; round++) {
      const v = numericColumnFrom(new Array(n).fill(round));
      await store.write(table, { length: n, keys: [ids], eventTs: new Float64Array(n).fill(round), createdTs: null, columns: [v, v] });
    }
    await store.close();
  `;
  const child = spawn(process.execPath, [...loaderArgs(import.meta.url), '--input-type=module', '-e', script], { stdio: 'inherit' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let reads = 0;
  let done = false;
  void exited.then(() => (done = true));
  const rounds = new Set<number>();
  while (!done) {
    const found = reader.prepareRead(table, ['a', 'b']).readSync([[reads % 20000]]);
    if (found[0]) {
      assert.equal(found[0].values[0], found[0].values[1], 'a and b come from one write');
      rounds.add(found[0].values[0] as number);
    }
    reads++;
    if (reads % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(await exited, 0);
  assert.ok(rounds.size > 1, `the reads overlapped the writes (saw rounds ${[...rounds].join(', ')})`);
  assert.deepEqual(
    reader
      .prepareRead(table, ['a', 'b'])
      .readSync([[0], [19999]])
      .map((r) => r!.values),
    [
      [40, 40],
      [40, 40],
    ],
  );
  await reader.close();
});

test('sqlite: one-hot columns written from their codes hold the same 0/1 values, and the newer row still wins', async () => {
  const store = new SqliteOnlineStore(path.join(tempDir(), 'online.db'));
  const table = {
    view: 'v',
    version: 1,
    keys: [{ name: 'id', type: 'int64' as const }],
    columns: ['x', 'c__a', 'c__b', 'c__other', 'd__p', 'd__q'].map((name) => ({ name, type: name === 'x' ? ('float64' as const) : ('int64' as const) })),
  };
  await store.createTable(table);
  // Two one-hot features: c (3 columns) and d (2); code -1 = all zeros.
  const rows = (ts: number[], x: number[], c: number[], d: number[]) => {
    const n = ts.length;
    const expand = (codes: number[], index: number) => numericColumnFrom(codes.map((code) => (code === index ? 1 : 0)));
    return {
      length: n,
      keys: [numericColumnFrom(Array.from({ length: n }, (_, i) => i + 1))],
      eventTs: Float64Array.from(ts),
      createdTs: null,
      columns: [numericColumnFrom(x), expand(c, 0), expand(c, 1), expand(c, 2), expand(d, 0), expand(d, 1)],
      onehot: {
        groups: [Int32Array.from(c), Int32Array.from(d)],
        columns: [null, { group: 0, index: 0 }, { group: 0, index: 1 }, { group: 0, index: 2 }, { group: 1, index: 0 }, { group: 1, index: 1 }],
      },
    };
  };
  await store.write(table, rows([10, 10, 10], [1.5, 2.5, 3.5], [0, 2, -1], [1, -1, 0]));
  // Key 1 newer, key 2 older (kept as it was), key 3 equal time (a full tie: the write wins).
  await store.write(table, rows([20, 5, 10], [9, 9, 9], [1, 1, 1], [0, 0, 1]));
  const names = table.columns.map((c) => c.name);
  const got = await store.read(table, [[1], [2], [3]], names);
  assert.deepEqual(
    got.map((r) => r?.values),
    [
      [9, 0, 1, 0, 1, 0],
      [2.5, 0, 0, 1, 0, 0],
      [9, 0, 1, 0, 0, 1],
    ],
  );
  await store.close();
});
