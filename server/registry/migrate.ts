import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { TesseraError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `NNNN_name.sql` files, in order. Two files with one number are an error. */
export function loadMigrations(dir: string): Migration[] {
  const migrations: Migration[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const m = FILE_PATTERN.exec(file);
    if (!m) continue;
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const version = Number(m[1]);
    if (migrations.some((x) => x.version === version)) throw new Error(`two migrations numbered ${m[1]} in ${dir}`);
    migrations.push({ version, name: m[2], sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return migrations;
}

/**
 * Applies the migrations a database lacks, all in one transaction with their records (a failure leaves
 * the database as it was). The transaction is IMMEDIATE so processes starting together (cluster workers) apply each migration once.
 * Refuses a database that records a migration this code does not have: it was written by newer code,
 * and running older code over it could corrupt it.
 */
export function migrate(db: Database.Database, migrations: Migration[], dbPath: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied: number[] = [];
  const run = db.transaction(() => {
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as {
      version: number;
      name: string;
      checksum: string;
    }[];
    const known = new Map(migrations.map((m) => [m.version, m]));
    const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
    for (const row of rows) {
      const mine = known.get(row.version);
      if (!mine) {
        throw new TesseraError(
          'schema_too_new',
          `${dbPath} is at schema version ${rows[rows.length - 1].version} (migration ${String(row.version).padStart(4, '0')}_${row.name}), ` +
            `newer than this Tessera knows (up to ${newest}). Run a newer Tessera on this data directory, or point --data-dir elsewhere.`,
        );
      }
      if (mine.checksum !== row.checksum) {
        throw new TesseraError('schema_too_new', `${dbPath}: migration ${row.version} (${row.name}) was changed after it was applied; migrations are append-only`);
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
      applied.push(m.version);
    }
  });
  run.immediate();
  return applied;
}
