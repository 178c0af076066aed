import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteDb } from '../../server/registry/sqlite/open-sqlite-db.js';
import { migrationsDir } from '../../server/paths.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

test('migrations apply in order, are recorded, and reopen as a no-op', () => {
  const dir = tempDir();
  const db = openSqliteDb(dir);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  const files = fs
    .readdirSync(migrationsDir())
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort();
  assert.deepEqual(
    applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.sql`),
    files,
  );
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  const again = openSqliteDb(dir);
  assert.equal((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, files.length);
  again.close();
});

test('a database newer than the code is refused with a clear message and left untouched', () => {
  const dir = tempDir();
  openSqliteDb(dir).close();
  const raw = new Database(path.join(dir, 'registry.db'));
  raw.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, ?, ?, ?)').run('from_the_future', 'x', 0);
  raw.close();
  assert.throws(() => openSqliteDb(dir), /schema version 9999.*newer than this Tessera knows/);
  const check = new Database(path.join(dir, 'registry.db'));
  assert.equal((check.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v, 9999);
  check.close();
});

test('a custom migrations folder: new files apply on the next start; an edited one is refused', () => {
  const dir = tempDir();
  const migrations = path.join(dir, 'migrations');
  writeFiles(migrations, { '0001_a.sql': 'CREATE TABLE a (x INTEGER);' });
  openSqliteDb(path.join(dir, 'data'), { migrations }).close();
  writeFiles(migrations, { '0002_b.sql': 'CREATE TABLE b (y INTEGER);' });
  const db = openSqliteDb(path.join(dir, 'data'), { migrations });
  assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get());
  db.close();
  writeFiles(migrations, { '0001_a.sql': 'CREATE TABLE a (x INTEGER, z TEXT);' });
  assert.throws(() => openSqliteDb(path.join(dir, 'data'), { migrations }), /changed after it was applied/);
});

test('a failing migration applies nothing: the pending ones run in one transaction', () => {
  const dir = tempDir();
  const migrations = path.join(dir, 'migrations');
  writeFiles(migrations, { '0001_a.sql': 'CREATE TABLE a (x INTEGER);', '0002_bad.sql': 'CREATE TABLE c (x INTEGER); THIS IS NOT SQL;' });
  assert.throws(() => openSqliteDb(path.join(dir, 'data'), { migrations }));
  const raw = new Database(path.join(dir, 'data', 'registry.db'));
  assert.equal(raw.prepare("SELECT name FROM sqlite_master WHERE name IN ('a', 'c')").all().length, 0);
  raw.close();
});

test('migration numbers may have gaps, and a lower number landing later still applies', () => {
  // Engineers reserve numbers ahead (0010 before 0005 exists): a database at 0001 + 0010 takes 0005 next.
  const dir = tempDir();
  const migrations = path.join(dir, 'migrations');
  writeFiles(migrations, { '0001_a.sql': 'CREATE TABLE a (x INTEGER);', '0010_j.sql': 'CREATE TABLE j (x INTEGER);' });
  openSqliteDb(path.join(dir, 'data'), { migrations }).close();
  writeFiles(migrations, { '0005_e.sql': 'CREATE TABLE e (x INTEGER);' });
  const db = openSqliteDb(path.join(dir, 'data'), { migrations });
  assert.deepEqual(
    (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version),
    [1, 5, 10],
  );
  assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'e'").get());
  db.close();
});
