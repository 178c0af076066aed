import type { LogFileRecord, LogFileStore } from '../../prediction-logs/log-file-store.js';
import type { PgDatabase, Queryable } from './pg-database.js';
import { type LogFileRow, logFileRecord } from '../log-file-rows.js';

async function insert(q: Queryable, files: LogFileRecord[]): Promise<void> {
  for (const f of files) {
    await q.query('INSERT INTO prediction_log_files (path, model, date, rows, bytes, min_logged_at, max_logged_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      f.path,
      f.model,
      f.date,
      f.rows,
      f.bytes,
      f.minLoggedAt,
      f.maxLoggedAt,
      f.createdAt,
    ]);
  }
}

/** Rolls the transaction back: a file to replace was replaced already. */
class Gone extends Error {}

/** The prediction log's files on PostgreSQL (migration postgres/0002). */
export class PgPredictionLogStore implements LogFileStore {
  constructor(private readonly db: PgDatabase) {}

  publish(segment: string, rows: number, files: LogFileRecord[], now: number): Promise<boolean> {
    return this.db.transaction(async (q) => {
      const claimed = await q.query('INSERT INTO prediction_log_segments (segment, rows, published_at) VALUES ($1, $2, $3) ON CONFLICT (segment) DO NOTHING', [segment, rows, now]);
      if (claimed.rowCount === 0) return false;
      await insert(q, files);
      return true;
    });
  }

  async isPublished(segment: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM prediction_log_segments WHERE segment = $1', [segment])).rows.length > 0;
  }

  async files(model: string, range: { from?: number; to?: number } = {}): Promise<LogFileRecord[]> {
    const { rows } = await this.db.query<LogFileRow>(
      'SELECT * FROM prediction_log_files WHERE model = $1 AND max_logged_at >= $2 AND min_logged_at < $3 ORDER BY max_logged_at DESC, path COLLATE "C" DESC',
      [model, range.from ?? -Number.MAX_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(logFileRecord);
  }

  async models(): Promise<string[]> {
    return (await this.db.query<{ model: string }>('SELECT model FROM prediction_log_files GROUP BY model ORDER BY model COLLATE "C"')).rows.map((r) => r.model);
  }

  async replace(removed: string[], added: LogFileRecord[]): Promise<boolean> {
    try {
      await this.db.transaction(async (q) => {
        for (const path of removed) {
          const gone = await q.query('DELETE FROM prediction_log_files WHERE path = $1', [path]);
          if (gone.rowCount === 0) throw new Gone();
        }
        await insert(q, added);
      });
      return true;
    } catch (e) {
      if (e instanceof Gone) return false;
      throw e;
    }
  }

  claimIds(segment: string, ids: string[], now: number, forgetBefore: number): Promise<string[]> {
    return this.db.transaction(async (q) => {
      await q.query('DELETE FROM prediction_log_ids WHERE claimed_at < $1', [forgetBefore]);
      // A concurrent claim of the same id waits on the key until the other transaction ends, so the
      // SELECT after it sees whichever segment won.
      await q.query('INSERT INTO prediction_log_ids (id, segment, claimed_at) SELECT unnest($1::text[]), $2, $3 ON CONFLICT (id) DO NOTHING', [ids, segment, now]);
      const { rows } = await q.query<{ id: string }>('SELECT id FROM prediction_log_ids WHERE id = ANY($1::text[]) AND segment <> $2', [ids, segment]);
      return rows.map((r) => r.id);
    });
  }

  async claimants(ids: string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ id: string; segment: string }>('SELECT id, segment FROM prediction_log_ids WHERE id = ANY($1::text[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.segment]));
  }
}
