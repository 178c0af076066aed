import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { systemClock } from '../../server/clock.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import { POSTGRES_SKIP, createTestDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp-dir.js';

const ENTRY = { at: 1, actor: 'anonymous', action: 'apply', resource: 'bundle', outcome: 'ok' as const, status: 200, detail: null };

test('sqlite: the database itself refuses to change or delete audit rows', async () => {
  const dataDir = tempDir();
  const registry = await openRegistry({ dataDir, clock: systemClock });
  await registry.auth.appendAudit([ENTRY]);
  const db = new Database(path.join(dataDir, 'registry.db'));
  try {
    assert.throws(() => db.prepare("UPDATE audit_log SET outcome = 'denied'").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM audit_log').run(), /append-only/);
    assert.deepEqual(db.prepare('SELECT outcome FROM audit_log').all(), [{ outcome: 'ok' }]);
  } finally {
    db.close();
    await registry.close();
  }
});

test('postgres: the database itself refuses to change, delete or truncate audit rows', { skip: POSTGRES_SKIP ?? false }, async () => {
  const database = await createTestDatabase();
  const registry = await openRegistry({ dataDir: tempDir(), clock: systemClock, registryUrl: database.url });
  const client = new pg.Client({ connectionString: database.url });
  try {
    await registry.auth.appendAudit([ENTRY]);
    await client.connect();
    await assert.rejects(client.query("UPDATE audit_log SET outcome = 'denied'"), /append-only/);
    await assert.rejects(client.query('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(client.query('TRUNCATE audit_log'), /append-only/);
    assert.deepEqual((await client.query('SELECT outcome FROM audit_log')).rows, [{ outcome: 'ok' }]);
  } finally {
    await client.end();
    await registry.close();
    await database.drop();
  }
});
