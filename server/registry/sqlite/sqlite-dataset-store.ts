import type Database from 'better-sqlite3';
import { conflict } from '../../errors.js';
import type { DatasetMetadata, DatasetRecord, DatasetStatus } from '../../datasets/dataset-metadata.js';
import type { DatasetStore } from '../../datasets/dataset-store.js';

interface Row {
  name: string;
  status: DatasetStatus;
  metadata: string | null;
  created_at: number;
  updated_at: number;
}

function toRecord(r: Row): DatasetRecord {
  return { name: r.name, status: r.status, metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as DatasetMetadata), createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Saved datasets in registry.db (migration 0003). */
export class SqliteDatasetStore implements DatasetStore {
  constructor(private readonly db: Database.Database) {}

  async reserve(name: string, now: number): Promise<void> {
    const inserted = this.db.prepare("INSERT INTO training_datasets (name, status, created_at, updated_at) VALUES (?, 'building', ?, ?) ON CONFLICT (name) DO NOTHING").run(name, now, now);
    if (inserted.changes === 0) {
      const existing = (this.db.prepare('SELECT status FROM training_datasets WHERE name = ?').get(name) as { status: DatasetStatus } | undefined)?.status;
      const what = existing === 'building' ? 'is being built' : 'already exists';
      throw conflict(`training dataset '${name}' ${what}; pick another name or delete it first`, [{ path: 'name', message: what }]);
    }
  }

  async complete(name: string, metadata: DatasetMetadata, now: number): Promise<void> {
    this.db.prepare("UPDATE training_datasets SET status = 'ready', metadata = ?, updated_at = ? WHERE name = ? AND status = 'building'").run(JSON.stringify(metadata), now, name);
  }

  async release(name: string): Promise<void> {
    this.db.prepare("DELETE FROM training_datasets WHERE name = ? AND status = 'building'").run(name);
  }

  async get(name: string): Promise<DatasetRecord | null> {
    const row = this.db.prepare('SELECT * FROM training_datasets WHERE name = ?').get(name) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async list(): Promise<DatasetRecord[]> {
    return (this.db.prepare('SELECT * FROM training_datasets ORDER BY name').all() as Row[]).map(toRecord);
  }

  async remove(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM training_datasets WHERE name = ?').run(name).changes > 0;
  }
}
