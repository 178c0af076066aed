/**
 * Timing script, not a test: parse + coerce time of the CSV connector on 1M rows x 10 columns (int id,
 * two RFC 3339 timestamps, five floats with 5% empty, an int, a 20-value string), about 100 MB.
 * Run: node --import tsx test/sources/csv-speed.ts [rows]
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvReader } from '../../server/sources/csv.js';
import type { ColumnRequest } from '../../server/sources/source.js';

if (process.argv[2] === '--generate') {
  generate(process.argv[3], Number(process.argv[4]));
  process.exit(0);
}
const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-csv-speed-'));
try {
  const file = path.join(dir, 'data.csv');
  // A separate process writes the data, so its garbage does not burden the measured heap.
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--generate', file, String(rows)], { stdio: 'inherit' });
  const columns: ColumnRequest[] = [
    { name: 'id', type: 'int64', required: true },
    { name: 'event_timestamp', type: 'timestamp', required: true },
    { name: 'created', type: 'timestamp', required: false },
    ...[1, 2, 3, 4, 5].map((i): ColumnRequest => ({ name: `f${i}`, type: 'float64', required: false })),
    { name: 'count', type: 'int64', required: false },
    { name: 'category', type: 'string', required: false },
  ];
  const reader = csvReader({ name: 'speed', type: 'csv', path: 'data.csv', delimiter: ',', timestampField: 'event_timestamp' }, { baseDir: dir });
  const t0 = performance.now();
  let n = 0;
  let rejected = 0;
  for await (const { batch, rejects } of reader.read({ range: { start: null, end: 8.64e15 }, timestampColumn: 'event_timestamp', columns, batchSize: 65_536 })) {
    n += batch.numRows;
    rejected += rejects.length;
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${n} rows (${rejected} rejected) in ${seconds.toFixed(3)} s: ${Math.round(n / seconds).toLocaleString('en')} rows/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Written in slices, so the generator leaves no heap behind to slow the measured part. */
function generate(file: string, count: number): void {
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const categories = Array.from({ length: 20 }, (_, i) => `category_${i}`);
  const fd = openSync(file, 'w');
  let parts: string[] = ['id,event_timestamp,created,f1,f2,f3,f4,f5,count,category\n'];
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < count; i++) {
    const ts = base + i * 1000;
    let line = `${i},${new Date(ts).toISOString()},${new Date(ts + 500).toISOString()}`;
    for (let f = 0; f < 5; f++) line += random() < 0.05 ? ',' : `,${(random() * 1000).toFixed(4)}`;
    line += `,${Math.floor(random() * 100)},${categories[Math.floor(random() * 20)]}\n`;
    parts.push(line);
    if (parts.length === 10_000) {
      writeSync(fd, parts.join(''));
      parts = [];
    }
  }
  writeSync(fd, parts.join(''));
  closeSync(fd);
}
