import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { SqliteOnlineStore } from '../../server/online/sqlite-online-store.js';
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
    import { numericColumnFrom } from ${JSON.stringify(pathToFileURL(path.resolve('server/columns/column.ts')).href)};
    import { SqliteOnlineStore } from ${JSON.stringify(pathToFileURL(path.resolve('server/online/sqlite-online-store.ts')).href)};
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
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], { stdio: 'inherit' });
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
