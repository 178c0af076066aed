/**
 * The SQLite online store's write alone, in this process: CPU per write of 1 row and of 1,000 rows
 * (10 float64 features, one int64 key), as a push makes them. Not a scenario of the report: a check
 * of the store's own cost next to the push scenario's end-to-end figures.
 * Usage: node --import tsx test/bench/sqlite-write-micro.ts
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { SqliteOnlineStore } from '../../server/online/sqlite-online-store.js';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'i13micro-'));
const store = new SqliteOnlineStore(path.join(dir, 'online.db'));
const F = 10;
const table = { view: 'pushed', version: 1, keys: [{ name: 'driver_id', type: 'int64' as const }], columns: Array.from({ length: F }, (_, i) => ({ name: `f${i}`, type: 'float64' as const })) };
await store.createTable(table);
const rows = (n: number, off: number, t: number) => ({
  length: n,
  keys: [{ kind: 'numeric' as const, values: Float64Array.from({ length: n }, (_, i) => off + i + 1) }],
  eventTs: new Float64Array(n).fill(t),
  createdTs: null,
  columns: Array.from({ length: F }, (_, f) => ({ kind: 'numeric' as const, values: Float64Array.from({ length: n }, (_, i) => (i % 97) * 0.5 + f) })),
});
for (const [n, reps] of [
  [1, 3000],
  [1000, 100],
] as const) {
  let t = 1;
  for (let r = 0; r < 20; r++) await store.write(table, rows(n, (r % 10) * 1000, t++));
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let r = 0; r < reps; r++) await store.write(table, rows(n, (r % 10) * 1000, t++));
  const c = process.cpuUsage(c0);
  const wall = performance.now() - w0;
  console.log(
    `${n}-row writes x ${reps}: cpu ${((c.user + c.system) / 1000 / reps).toFixed(3)} ms/write, wall ${(wall / reps).toFixed(3)} ms/write, ${Math.round((n * reps) / ((c.user + c.system) / 1e6))} rows per cpu-s`,
  );
}
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
