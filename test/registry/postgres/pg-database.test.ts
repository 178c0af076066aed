import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TesseraError } from '../../../server/errors.js';
import { PgDatabase } from '../../../server/registry/postgres/pg-database.js';
import { POSTGRES_SKIP, TEST_POSTGRES_URL } from '../../support/postgres.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';

const skip = POSTGRES_SKIP ?? false;

async function databaseBehindProxy() {
  const target = new URL(TEST_POSTGRES_URL!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const through = new URL(TEST_POSTGRES_URL!);
  through.host = `127.0.0.1:${proxy.port}`;
  const db = new PgDatabase({ url: through.toString(), timeoutMs: 10_000, location: 'the test server' });
  return { proxy, db };
}

// A connection lost inside a transaction makes its client emit 'error' while the pool has it checked
// out: with no listener there, Node throws it and the whole server exits (seen as a test server dying
// with "Unhandled 'error' event ... ECONNRESET" under load).
test('a connection lost mid-transaction fails the transaction with unavailable; the process keeps running', { skip }, async () => {
  const { proxy, db } = await databaseBehindProxy();
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const failed = await db
      .transaction(async (q) => {
        await q.query('SELECT 1');
        const sleeping = q.query('SELECT pg_sleep(30)');
        await proxy.cut();
        return await sleeping;
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(failed instanceof TesseraError, `expected a TesseraError, got ${String(failed)}`);
    assert.equal(failed.code, 'unavailable');
    assert.match(failed.message, /the registry \(the test server\) does not answer/);

    // Between statements too: the socket goes while the transaction's code is busy elsewhere.
    await proxy.restore();
    let cutBetween = false;
    const betweenFailed = await db
      .transaction(async (q) => {
        await q.query('SELECT 1');
        await proxy.cut();
        cutBetween = true;
        // The next statement finds the connection gone.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return await q.query('SELECT 2');
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(cutBetween);
    assert.ok(betweenFailed instanceof TesseraError && betweenFailed.code === 'unavailable', String(betweenFailed));

    // Once the network is back, the pool serves again: the broken clients were dropped, not reused.
    await proxy.restore();
    const again = await db.transaction(async (q) => (await q.query<{ n: number }>('SELECT 41 + 1 AS n')).rows[0]!.n);
    assert.equal(again, 42);
    assert.deepEqual(uncaught, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    await db.close();
    await proxy.close();
  }
});
