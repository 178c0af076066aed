import type Database from 'better-sqlite3';
import type { LogFileRecord, LogFileStore } from '../../prediction-logs/log-file-store.js';
import { type LogFileRow, logFileRecord } from '../log-file-rows.js';

const INSERT = 'INSERT INTO prediction_log_files (path, model, date, rows, bytes, min_logged_at, max_logged_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/** The prediction log's files in registry.db (migration 0005). */
export class SqlitePredictionLogStore implements LogFileStore {
  constructor(private readonly db: Database.Database) {}

  private insert(files: LogFileRecord[]): void {
    const statement = this.db.prepare(INSERT);
    for (const f of files) statement.run(f.path, f.model, f.date, f.rows, f.bytes, f.minLoggedAt, f.maxLoggedAt, f.createdAt);
  }

  async publish(segment: string, rows: number, files: LogFileRecord[], now: number): Promise<boolean> {
    const run = this.db.transaction(() => {
      const claimed = this.db.prepare('INSERT INTO prediction_log_segments (segment, rows, published_at) VALUES (?, ?, ?) ON CONFLICT (segment) DO NOTHING').run(segment, rows, now);
      if (claimed.changes === 0) return false;
      this.insert(files);
      return true;
    });
    return run.immediate();
  }

  async isPublished(segment: string): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM prediction_log_segments WHERE segment = ?').get(segment) !== undefined;
  }

  async files(model: string, range: { from?: number; to?: number } = {}): Promise<LogFileRecord[]> {
    const rows = this.db
      .prepare('SELECT * FROM prediction_log_files WHERE model = ? AND max_logged_at >= ? AND min_logged_at < ? ORDER BY max_logged_at DESC, path DESC')
      .all(model, range.from ?? -Number.MAX_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER) as LogFileRow[];
    return rows.map(logFileRecord);
  }

  async models(): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT model FROM prediction_log_files ORDER BY model').all() as { model: string }[]).map((r) => r.model);
  }

  async replace(removed: string[], added: LogFileRecord[]): Promise<boolean> {
    const run = this.db.transaction(() => {
      const remove = this.db.prepare('DELETE FROM prediction_log_files WHERE path = ?');
      for (const path of removed) {
        if (remove.run(path).changes === 0) throw new Gone();
      }
      this.insert(added);
    });
    try {
      run.immediate();
      return true;
    } catch (e) {
      if (e instanceof Gone) return false;
      throw e;
    }
  }

  async claimIds(segment: string, ids: string[], now: number, forgetBefore: number): Promise<string[]> {
    const run = this.db.transaction(() => {
      this.db.prepare('DELETE FROM prediction_log_ids WHERE claimed_at < ?').run(forgetBefore);
      const claim = this.db.prepare('INSERT INTO prediction_log_ids (id, segment, claimed_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING');
      const owner = this.db.prepare('SELECT segment FROM prediction_log_ids WHERE id = ?').pluck();
      const taken: string[] = [];
      for (const id of ids) {
        if (claim.run(id, segment, now).changes === 0 && owner.get(id) !== segment) taken.push(id);
      }
      return taken;
    });
    return run.immediate();
  }

  async claimants(ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const owner = this.db.prepare('SELECT segment FROM prediction_log_ids WHERE id = ?').pluck();
    for (const id of ids) {
      const segment = owner.get(id) as string | undefined;
      if (segment !== undefined) out.set(id, segment);
    }
    return out;
  }
}

/** Rolls the transaction back: a file to replace was replaced already. */
class Gone extends Error {}
