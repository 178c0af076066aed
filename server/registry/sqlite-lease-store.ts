import type Database from 'better-sqlite3';

/**
 * A named lease with expiry: the holder renews it well before it expires; when the holder dies,
 * another process takes it over once it has expired. Used to run exactly one scheduler per data dir.
 */
export interface LeaseStore {
  /** Takes or renews the lease; true when `holder` holds it until `now + ttlMs`. */
  tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  holderOf(name: string, now: number): Promise<string | null>;
}

export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly db: Database.Database) {}

  async tryAcquire(name: string, holder: string, ttlMs: number, now: number): Promise<boolean> {
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT holder, expires_at FROM leases WHERE name = ?').get(name) as { holder: string; expires_at: number } | undefined;
        if (row && row.holder !== holder && row.expires_at > now) return false;
        this.db
          .prepare(
            `INSERT INTO leases (name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
             acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END`,
          )
          .run(name, holder, now + ttlMs, now);
        return true;
      })
      .immediate();
  }

  async release(name: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async holderOf(name: string, now: number): Promise<string | null> {
    const row = this.db.prepare('SELECT holder FROM leases WHERE name = ? AND expires_at > ?').get(name, now) as { holder: string } | undefined;
    return row?.holder ?? null;
  }
}
