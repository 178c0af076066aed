import type { LeaseStore } from '../lease-store.js';
import type { Queryable } from './pg-database.js';

/** The database's clock in epoch ms: every process agrees on it, whatever its own clock says. */
const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * Leases on PostgreSQL, expiring on the database's clock. Taking one is a single upsert that only
 * overwrites a lease held by the same holder or already expired, so racers are ordered by the row.
 */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly db: Queryable) {}

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO leases (name, holder, expires_at, acquired_at) VALUES ($1, $2, ${DB_NOW} + $3, ${DB_NOW})
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
         acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END
       WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.acquired_at
       RETURNING holder`,
      [name, holder, ttlMs],
    );
    return rows.length === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async live(prefix: string): Promise<string[]> {
    const { rows } = await this.db.query<{ holder: string }>(`SELECT holder FROM leases WHERE left(name, length($1)) = $1 AND expires_at > ${DB_NOW} ORDER BY holder COLLATE "C"`, [prefix]);
    return rows.map((r) => r.holder);
  }

  async epoch(name: string, holder: string): Promise<number | null> {
    const { rows } = await this.db.query<{ acquired_at: string }>('SELECT acquired_at FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    return rows[0] === undefined ? null : Number(rows[0].acquired_at);
  }

  async holderOf(name: string): Promise<string | null> {
    const { rows } = await this.db.query<{ holder: string }>(`SELECT holder FROM leases WHERE name = $1 AND expires_at > ${DB_NOW}`, [name]);
    return rows[0]?.holder ?? null;
  }
}
