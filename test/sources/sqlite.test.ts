import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TesseraError } from '../../server/errors.js';
import { OPEN_START_ISO, OPEN_START_MS, rangeParameters, sqliteReader } from '../../server/sources/sqlite.js';
import type { SqliteSource } from '../../server/sources/sqlite.js';
import { col, rejectSummary, readAll, request, tempDir } from './helpers.js';

const fixture = tempDir();
const T = Date.UTC(2026, 0, 1);

before(() => {
  const db = new Database(path.join(fixture.dir, 'shop.db'));
  db.exec(`CREATE TABLE orders (order_id INTEGER, placed_ms INTEGER, placed_iso TEXT, total REAL, status TEXT, big INTEGER);`);
  const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 6; i++) insert.run(i + 1, T + i * 1000, new Date(T + i * 1000).toISOString(), i === 2 ? null : i * 1.5, i % 2 ? 'open' : 'done', i === 5 ? 2n ** 60n : i);
  db.close();
});
after(() => fixture.cleanup());

function sqlite(query: string, extra: Partial<SqliteSource> = {}): ReturnType<typeof sqliteReader> {
  return sqliteReader({ name: 'orders', type: 'sqlite', database: 'shop.db', query, timestampField: 'placed_ms', ...extra }, { baseDir: fixture.dir });
}

const columns = [col('order_id', 'int64', true), col('placed_ms', 'timestamp', true), col('total', 'float64'), col('status', 'string')];

/** Open file descriptors on the fixture database: 0 once a read has closed it. */
function openHandles(): number {
  try {
    return readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path.join(fixture.dir, 'shop.db'));
      } catch {
        return false;
      }
    }).length;
  } catch {
    return 0; // no /proc here: nothing to check
  }
}

describe('sqlite source', () => {
  it('binds the range as :start/:end (epoch ms) and reads typed rows', async () => {
    const source = sqlite('SELECT order_id, placed_ms, total, status FROM orders WHERE placed_ms > :start AND placed_ms <= :end ORDER BY order_id');
    const { rows, rejects } = await readAll(source, request(columns, { timestampColumn: 'placed_ms', range: { start: T + 1000, end: T + 3000 } }));
    assert.deepEqual(rows, [
      { order_id: 3, placed_ms: T + 2000, total: null, status: 'done' },
      { order_id: 4, placed_ms: T + 3000, total: 4.5, status: 'open' },
    ]);
    assert.deepEqual(rejects, []);
    assert.equal(openHandles(), 0);
  });

  it('offers RFC 3339 parameters too, and a floor for an open start', async () => {
    assert.deepEqual(rangeParameters({ start: null, end: T }), { start: OPEN_START_MS, end: T, start_iso: OPEN_START_ISO, end_iso: '2026-01-01T00:00:00.000Z' });
    const source = sqlite('SELECT order_id, placed_iso AS placed_ms, :start AS s, :start_iso AS si FROM orders WHERE placed_iso > :start_iso AND placed_iso <= @end_iso');
    const { rows } = await readAll(source, request([...columns.slice(0, 2), col('s', 'float64'), col('si', 'string')], { timestampColumn: 'placed_ms', range: { start: null, end: T + 1000 } }));
    assert.deepEqual(rows, [
      { order_id: 1, placed_ms: T, s: -8.64e15, si: '0000-01-01T00:00:00.000Z' },
      { order_id: 2, placed_ms: T + 1000, s: -8.64e15, si: '0000-01-01T00:00:00.000Z' },
    ]);
  });

  it('applies the range even when the query ignores it (start exclusive, end inclusive)', async () => {
    const { rows } = await readAll(sqlite('SELECT * FROM orders'), request(columns, { timestampColumn: 'placed_ms', range: { start: T, end: T + 2000 } }));
    assert.deepEqual(
      rows.map((r) => r.order_id),
      [2, 3],
    );
  });

  it('rejects rows by query row number; int64 beyond 2^53 is read exactly', async () => {
    const source = sqlite('SELECT order_id, placed_ms, big, status FROM orders ORDER BY order_id', { fieldMapping: { big: 'amount' } });
    const { rows, rejects, batches } = await readAll(
      source,
      request([col('order_id', 'int64', true), col('placed_ms', 'timestamp', true), col('amount', 'int64'), col('status', 'bool')], { timestampColumn: 'placed_ms', batchSize: 2 }),
    );
    assert.deepEqual(rows, []);
    assert.equal(batches.length, 3);
    assert.deepEqual(rejects.map(rejectSummary).slice(0, 1), [{ reason: 'invalid_bool', column: 'status', location: 'query row 1', value: 'done' }]);
    const onlyAmount = await readAll(source, request([col('order_id', 'int64', true), col('placed_ms', 'timestamp', true), col('amount', 'int64')], { timestampColumn: 'placed_ms' }));
    assert.deepEqual(
      onlyAmount.rows.map((r) => r.amount),
      [0, 1, 2, 3, 4, 2n ** 60n],
    );
    assert.deepEqual(onlyAmount.rejects, []);
  });

  it('fails clearly on a missing database, a bad query or a missing column, and closes the database', async () => {
    const missingDb = sqliteReader({ name: 'orders', type: 'sqlite', database: 'nope.db', query: 'SELECT 1', timestampField: 'ts' }, { baseDir: fixture.dir });
    await assert.rejects(
      readAll(missingDb, request(columns, { timestampColumn: 'placed_ms' })),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes('nope.db'),
    );
    await assert.rejects(readAll(sqlite('SELECT nonsense FROM nowhere'), request(columns, { timestampColumn: 'placed_ms' })), /source 'orders': invalid query/);
    await assert.rejects(
      readAll(sqlite('SELECT order_id, placed_ms FROM orders'), request(columns, { timestampColumn: 'placed_ms' })),
      (e: unknown) => e instanceof TesseraError && e.code === 'source_error' && e.message.includes("column 'total'"),
    );
    assert.equal(openHandles(), 0);
  });

  it('closes the database when the reader stops early', async () => {
    const reader = sqlite('SELECT * FROM orders');
    for await (const batch of reader.read(request(columns, { timestampColumn: 'placed_ms', batchSize: 1 }))) {
      assert.equal(batch.batch.numRows, 1);
      assert.ok(openHandles() > 0 || !process.platform.startsWith('linux'));
      break;
    }
    assert.equal(openHandles(), 0);
  });

  it('refuses anything but one read-only statement, and changes nothing', async () => {
    const attached = path.join(fixture.dir, 'attached.db');
    const refused: [string, RegExp][] = [
      ['DELETE FROM orders RETURNING order_id, placed_ms, total, status', /DELETE is not allowed/],
      ['WITH doomed AS (SELECT 1) DELETE FROM orders', /DELETE is not allowed/],
      ['INSERT INTO orders SELECT * FROM orders RETURNING order_id, placed_ms, total, status', /INSERT is not allowed/],
      [`ATTACH '${attached}' AS other`, /ATTACH is not allowed/],
      [`SELECT * FROM orders; ATTACH '${attached}' AS other`, /one statement/],
      ['SELECT * FROM orders; DELETE FROM orders', /one statement/],
      ["SELECT load_extension('/tmp/evil.so'), * FROM orders", /load_extension is not allowed/],
      [`SELECT "load_extension"('/tmp/evil.so', 'init'), * FROM orders`, /load_extension is not allowed/],
      ['PRAGMA user_version = 7', /PRAGMA is not allowed/],
      ['PRAGMA journal_mode = WAL', /PRAGMA is not allowed/],
      [`VACUUM INTO '${path.join(fixture.dir, 'copy.db')}'`, /VACUUM is not allowed/],
      ['CREATE TEMP TABLE t AS SELECT * FROM orders', /CREATE is not allowed/],
      ['/* a comment first */ -- and another\n UPDATE orders SET total = 0', /UPDATE is not allowed/],
    ];
    for (const [query, why] of refused) {
      await assert.rejects(
        readAll(sqlite(query), request(columns, { timestampColumn: 'placed_ms' })),
        (e: unknown) => e instanceof TesseraError && e.code === 'source_refused' && why.test(e.message),
        query,
      );
    }
    assert.equal(openHandles(), 0);
    const db = new Database(path.join(fixture.dir, 'shop.db'), { readonly: true });
    assert.deepEqual(db.prepare('SELECT count(*) AS n, sum(total = 0) AS zero FROM orders').get(), { n: 6, zero: 1 });
    assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 0);
    db.close();
    for (const file of ['attached.db', 'copy.db']) assert.equal(existsSync(path.join(fixture.dir, file)), false, file);
  });

  it('still reads what is one read-only statement: WITH ... SELECT, comments, a trailing ;, quoted names', async () => {
    const { rows } = await readAll(
      sqlite(`-- recent orders\nWITH recent AS (SELECT * FROM orders WHERE order_id > 4) SELECT "order_id", placed_ms, total, status FROM recent; -- done`),
      request(columns, { timestampColumn: 'placed_ms' }),
    );
    assert.deepEqual(
      rows.map((r) => r.order_id),
      [5, 6],
    );
  });

  it('refuses a database outside the allowed folders, by real path, before opening it', async () => {
    const outside = tempDir();
    try {
      const other = new Database(path.join(outside.dir, 'secret.db'));
      other.exec("CREATE TABLE s (order_id INTEGER, placed_ms INTEGER, total REAL, status TEXT); INSERT INTO s VALUES (1, 1, 1.0, 'hunter2')");
      other.close();
      symlinkSync(path.join(outside.dir, 'secret.db'), path.join(fixture.dir, 'link.db'));
      for (const database of [path.join(outside.dir, 'secret.db'), path.relative(fixture.dir, path.join(outside.dir, 'secret.db')), 'link.db']) {
        await assert.rejects(
          readAll(sqlite('SELECT * FROM s', { database }), request(columns, { timestampColumn: 'placed_ms' })),
          // Where a link leads is not told.
          (e: unknown) => e instanceof TesseraError && e.code === 'source_refused' && /outside the allowed folders/.test(e.message) && (database !== 'link.db' || !e.message.includes(outside.dir)),
          database,
        );
      }
      // The same database, once its folder is a root.
      const { rows } = await readAll(
        sqliteReader({ name: 'orders', type: 'sqlite', database: 'link.db', query: 'SELECT * FROM s', timestampField: 'placed_ms' }, { baseDir: fixture.dir, roots: [outside.dir] }),
        request(columns, { timestampColumn: 'placed_ms' }),
      );
      assert.deepEqual(rows, [{ order_id: 1, placed_ms: 1, total: 1, status: 'hunter2' }]);
    } finally {
      outside.cleanup();
    }
  });
});
