import type { DatasetMetadata, DatasetRecord, DatasetStatus } from '../../datasets/dataset-metadata.js';
import type { DatasetStore } from '../../datasets/dataset-store.js';
import type { Queryable } from './pg-database.js';
import { type DatasetRow, datasetRecord, reservationConflict } from '../dataset-rows.js';

/** Saved datasets' records on PostgreSQL: a name is reserved by the insert that wins its primary key. */
export class PgDatasetStore implements DatasetStore {
  constructor(private readonly db: Queryable) {}

  async reserve(name: string, now: number, staleBefore: number): Promise<void> {
    // One statement: a fresh name is inserted, an abandoned reservation (no heartbeat since staleBefore) replaced.
    const claimed = await this.db.query(
      `INSERT INTO training_datasets (name, status, created_at, updated_at) VALUES ($1, 'building', $2, $2)
       ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at
       WHERE training_datasets.status = 'building' AND training_datasets.updated_at < $3`,
      [name, now, staleBefore],
    );
    if (claimed.rowCount === 0) {
      const existing = (await this.db.query<{ status: DatasetStatus }>('SELECT status FROM training_datasets WHERE name = $1', [name])).rows[0]?.status;
      throw reservationConflict(name, existing);
    }
  }

  async touch(name: string, reservedAt: number, now: number): Promise<void> {
    await this.db.query("UPDATE training_datasets SET updated_at = $1 WHERE name = $2 AND status = 'building' AND created_at = $3", [now, name, reservedAt]);
  }

  async complete(name: string, reservedAt: number, metadata: DatasetMetadata, now: number): Promise<boolean> {
    const done = await this.db.query("UPDATE training_datasets SET status = 'ready', metadata = $1, updated_at = $2 WHERE name = $3 AND status = 'building' AND created_at = $4", [
      JSON.stringify(metadata),
      now,
      name,
      reservedAt,
    ]);
    return (done.rowCount ?? 0) > 0;
  }

  async release(name: string, reservedAt: number): Promise<void> {
    await this.db.query("DELETE FROM training_datasets WHERE name = $1 AND status = 'building' AND created_at = $2", [name, reservedAt]);
  }

  async get(name: string): Promise<DatasetRecord | null> {
    const { rows } = await this.db.query<DatasetRow>('SELECT * FROM training_datasets WHERE name = $1', [name]);
    return rows.length ? datasetRecord(rows[0]) : null;
  }

  async list(): Promise<DatasetRecord[]> {
    return (await this.db.query<DatasetRow>('SELECT * FROM training_datasets ORDER BY name COLLATE "C"')).rows.map(datasetRecord);
  }

  async remove(name: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM training_datasets WHERE name = $1', [name])).rowCount ?? 0) > 0;
  }
}
