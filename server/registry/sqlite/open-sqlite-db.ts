import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrationsDir } from '../../paths.js';
import { loadMigrations } from '../migrations.js';
import { migrate } from './sqlite-migrate.js';

/**
 * Opens `<dataDir>/registry.db` in WAL mode and brings its schema up to date. Several processes open
 * it at once (cluster workers, the CLI beside a server): WAL lets readers run beside one writer, and
 * the busy timeout makes writers queue instead of failing.
 */
export function openSqliteDb(dataDir: string, options: { migrations?: string } = {}): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'registry.db');
  const db = new Database(file, { timeout: 10_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations(options.migrations ?? migrationsDir()), file);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
