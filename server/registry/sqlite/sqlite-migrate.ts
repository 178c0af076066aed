import type Database from 'better-sqlite3';
import { type AppliedMigration, type Migration, pendingMigrations } from '../migrations.js';

/**
 * Applies the migrations a database lacks, all in one transaction with their records (a failure leaves
 * the database as it was). The transaction is IMMEDIATE so processes starting together (cluster workers)
 * apply each migration once. Refuses a database written by newer code (`pendingMigrations`).
 */
export function migrate(db: Database.Database, migrations: Migration[], dbPath: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied: number[] = [];
  const run = db.transaction(() => {
    const rows = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
    for (const m of pendingMigrations(migrations, rows, dbPath)) {
      db.exec(m.sql);
      record.run(m.version, m.name, m.checksum, Date.now());
      applied.push(m.version);
    }
  });
  run.immediate();
  return applied;
}
