import type Database from 'better-sqlite3';
import type { DatasetMetadata, DatasetRecord, DatasetStatus } from '../../datasets/dataset-metadata.js';
import type { DatasetStore } from '../../datasets/dataset-store.js';
import { type DatasetRow, datasetRecord, reservationConflict } from '../dataset-rows.js';

/** Saved datasets in registry.db (migration 0003). */
export class SqliteDatasetStore implements DatasetStore {
  constructor(private readonly db: Database.Database) {}

  async reserve(name: string, now: number, staleBefore: number): Promise<void> {
    // One statement: a fresh name is inserted, an abandoned reservation (no heartbeat since staleBefore) replaced.
    const claimed = this.db
      .prepare(
        `INSERT INTO training_datasets (name, status, created_at, updated_at) VALUES (?, 'building', ?, ?)
         ON CONFLICT (name) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at
         WHERE training_datasets.status = 'building' AND training_datasets.updated_at < ?`,
      )
      .run(name, now, now, staleBefore);
    if (claimed.changes === 0) {
      const existing = (this.db.prepare('SELECT status FROM training_datasets WHERE name = ?').get(name) as { status: DatasetStatus } | undefined)?.status;
      throw reservationConflict(name, existing);
    }
  }

  async touch(name: string, reservedAt: number, now: number): Promise<void> {
    this.db.prepare("UPDATE training_datasets SET updated_at = ? WHERE name = ? AND status = 'building' AND created_at = ?").run(now, name, reservedAt);
  }

  async complete(name: string, reservedAt: number, metadata: DatasetMetadata, now: number): Promise<boolean> {
    const done = this.db
      .prepare("UPDATE training_datasets SET status = 'ready', metadata = ?, updated_at = ? WHERE name = ? AND status = 'building' AND created_at = ?")
      .run(JSON.stringify(metadata), now, name, reservedAt);
    return done.changes > 0;
  }

  async release(name: string, reservedAt: number): Promise<void> {
    this.db.prepare("DELETE FROM training_datasets WHERE name = ? AND status = 'building' AND created_at = ?").run(name, reservedAt);
  }

  async get(name: string): Promise<DatasetRecord | null> {
    const row = this.db.prepare('SELECT * FROM training_datasets WHERE name = ?').get(name) as DatasetRow | undefined;
    return row ? datasetRecord(row) : null;
  }

  async list(): Promise<DatasetRecord[]> {
    return (this.db.prepare('SELECT * FROM training_datasets ORDER BY name').all() as DatasetRow[]).map(datasetRecord);
  }

  async remove(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM training_datasets WHERE name = ?').run(name).changes > 0;
  }
}
