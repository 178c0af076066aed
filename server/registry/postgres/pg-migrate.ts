import { type AppliedMigration, type Migration, pendingMigrations } from '../migrations.js';
import type { PgDatabase } from './pg-database.js';

/** The advisory lock key that orders migrations (a constant of its own: "tess" in ASCII). */
const MIGRATION_LOCK = 0x74657373;

/**
 * Applies the migrations the database lacks, in one transaction with their records, under an advisory
 * lock: processes starting together wait for the first to finish and then find nothing to do. Refuses
 * a database written by newer code (`pendingMigrations`).
 */
export async function migratePostgres(db: PgDatabase, migrations: Migration[], where: string): Promise<number[]> {
  return db.transaction(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await q.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
    const applied: number[] = [];
    for (const m of pendingMigrations(migrations, rows, where)) {
      await q.query(m.sql);
      await q.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(m.version);
    }
    return applied;
  });
}
