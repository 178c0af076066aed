import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TesseraError } from '../errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** What a database records of a migration it applied. */
export interface AppliedMigration {
  version: number;
  name: string;
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
 * The migrations a database lacks, after checking what it has: a database that records a migration
 * this code does not have was written by newer code, and running older code over it could corrupt
 * it; a migration changed after it was applied means the files were edited (they are append-only).
 */
export function pendingMigrations(migrations: Migration[], applied: AppliedMigration[], where: string): Migration[] {
  const known = new Map(migrations.map((m) => [m.version, m]));
  const newest = migrations.length ? migrations[migrations.length - 1].version : 0;
  for (const row of applied) {
    const mine = known.get(row.version);
    if (!mine) {
      throw new TesseraError(
        'schema_too_new',
        `${where} is at schema version ${applied[applied.length - 1].version} (migration ${String(row.version).padStart(4, '0')}_${row.name}), ` +
          `newer than this Tessera knows (up to ${newest}). Run a newer Tessera on this registry, or point Tessera elsewhere.`,
      );
    }
    if (mine.checksum !== row.checksum) {
      throw new TesseraError('schema_too_new', `${where}: migration ${row.version} (${row.name}) was changed after it was applied; migrations are append-only`);
    }
  }
  const done = new Set(applied.map((r) => r.version));
  return migrations.filter((m) => !done.has(m.version));
}
