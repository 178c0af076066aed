import type Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { LeaseStore } from '../lease-store.js';

/** Leases in registry.db. Every process sharing the file runs on one machine: its clock is the registry's. */
export class SqliteLeaseStore implements LeaseStore {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
  ) {}

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
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

  async live(prefix: string): Promise<string[]> {
    const rows = this.db.prepare('SELECT holder FROM leases WHERE substr(name, 1, length(?)) = ? AND expires_at > ? ORDER BY holder').all(prefix, prefix, this.clock.now()) as { holder: string }[];
    return rows.map((r) => r.holder);
  }

  async epoch(name: string, holder: string): Promise<number | null> {
    const row = this.db.prepare('SELECT acquired_at FROM leases WHERE name = ? AND holder = ?').get(name, holder) as { acquired_at: number } | undefined;
    return row?.acquired_at ?? null;
  }

  async holderOf(name: string): Promise<string | null> {
    const row = this.db.prepare('SELECT holder FROM leases WHERE name = ? AND expires_at > ?').get(name, this.clock.now()) as { holder: string } | undefined;
    return row?.holder ?? null;
  }
}
