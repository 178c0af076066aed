import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Float64, Table, TimeUnit, Timestamp, tableToIPC, vectorFromArray } from '../../server/vendor/arrow.cjs';
import Database from 'better-sqlite3';
import { Table as WasmTable, writeParquet } from 'parquet-wasm/node';
import type { Source } from '../../server/domain/source.js';
import { httpAccess } from '../../server/sources/http-access.js';
import { parseAllowList } from '../../server/sources/http-allow.js';
import { openSource } from '../../server/sources/open-source.js';
import { col, ms, readAll, request, tempDir } from './helpers.js';

const T = ms('2026-01-01T00:00:00Z');
const ISO = new Date(T).toISOString();
const fixture = tempDir({
  // Each file holds one row whose value names its format: a connector that read another format's file
  // would fail to parse it or read a different value.
  'one.csv': `ts,v\n${ISO},1\n`,
  'one.jsonl': `${JSON.stringify({ ts: ISO, v: 2 })}\n`,
});
const http = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify([{ ts: ISO, v: 5 }]));
});
let url = '';

before(async () => {
  const table = new Table({ ts: vectorFromArray([T], new Timestamp(TimeUnit.MILLISECOND, 'UTC')), v: vectorFromArray([3], new Float64()) });
  fixture.write('one.parquet', writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream'))));
  const db = new Database(path.join(fixture.dir, 'one.db'));
  db.exec(`CREATE TABLE t (ts INTEGER, v REAL); INSERT INTO t VALUES (${T}, 4);`);
  db.close();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/rows`;
});
after(async () => {
  fixture.cleanup();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

describe('openSource', () => {
  it('dispatches on the source type: each connector reads its own kind of source', async () => {
    const sources: [Source, number][] = [
      [{ name: 's', type: 'csv', path: 'one.csv', delimiter: ',', timestampField: 'ts' } as Source, 1],
      [{ name: 's', type: 'jsonl', path: 'one.jsonl', timestampField: 'ts' } as Source, 2],
      [{ name: 's', type: 'parquet', path: 'one.parquet', timestampField: 'ts' } as Source, 3],
      [{ name: 's', type: 'sqlite', database: 'one.db', query: 'SELECT ts, v FROM t', timestampField: 'ts' } as Source, 4],
      [{ name: 's', type: 'http', url, format: 'json', timeoutMs: 10_000, retries: 0, timestampField: 'ts' } as Source, 5],
    ];
    // The test's HTTP server is on 127.0.0.1, which HTTP sources reach only when the allow list says so.
    const ctx = { baseDir: fixture.dir, http: httpAccess({ allow: parseAllowList(['127.0.0.1']) }) };
    for (const [source, v] of sources) {
      const { rows, rejects } = await readAll(openSource(source, ctx), request([col('ts', 'timestamp', true), col('v', 'float64')]));
      assert.deepEqual({ type: source.type, rows, rejects }, { type: source.type, rows: [{ ts: T, v }], rejects: [] });
    }
  });
});
