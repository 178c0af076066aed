import type { DatasetMetadata, DatasetRecord, DatasetStatus } from '../datasets/dataset-metadata.js';
import { type TesseraError, conflict } from '../errors.js';

/** A row of training_datasets (SQLite migration 0003, PostgreSQL 0001). */
export interface DatasetRow {
  name: string;
  status: DatasetStatus;
  metadata: string | null;
  created_at: number;
  updated_at: number;
}

export function datasetRecord(r: DatasetRow): DatasetRecord {
  return { name: r.name, status: r.status, metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as DatasetMetadata), createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The 409 of a reservation refused: the name's dataset is `existing` (building, ready, or gone since). */
export function reservationConflict(name: string, existing: DatasetStatus | undefined): TesseraError {
  const what = existing === 'building' ? 'is being built' : 'already exists';
  return conflict(`training dataset '${name}' ${what}; pick another name or delete it first`, [{ path: 'name', message: what }]);
}
