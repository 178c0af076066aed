import type { EntityFormat } from '../offline/entity-input.js';
import type { ResultColumn } from '../offline/result-columns.js';
import type { RetrievalPlan } from '../offline/retrieval-plan.js';
import type { ColumnStatistics } from '../domain/snapshot.js';

/** A file of a saved dataset: where it lies (relative to the data dir), its size and content hash. */
export interface DatasetFile {
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Everything needed to describe a saved dataset and to rebuild it identically. */
export interface DatasetMetadata {
  name: string;
  description: string | null;
  /** The request as given: references or a service, and whether names were prefixed. */
  request: { features: string[] | null; featureService: string | null; fullFeatureNames: boolean };
  /** The view versions, their pinned snapshot ids and ttl, and the answer's feature columns. */
  plan: RetrievalPlan;
  /** The entity rows as received (format and hash of the bytes or of the canonical JSON)... */
  input: { format: EntityFormat | 'json'; sha256: string };
  /** ...and as validated and stored: the copy a rebuild reads. */
  entities: DatasetFile;
  data: DatasetFile;
  columns: ResultColumn[];
  statistics: Record<string, ColumnStatistics>;
  createdAt: number;
}

export type DatasetStatus = 'building' | 'ready';

export interface DatasetRecord {
  name: string;
  status: DatasetStatus;
  /** Null while building. */
  metadata: DatasetMetadata | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * Saved datasets live in the offline root, which every process of a deployment shares
 * (`TESSERA_OFFLINE_DIR`), since their records are in the shared registry: any process exports or
 * rebuilds what another saved. No view name starts with '_', so the folder never meets a view's.
 */
export const DATASETS_DIR = 'offline/_datasets';

/** Files of a dataset, relative to the data dir. */
export function datasetDir(name: string): string {
  return `${DATASETS_DIR}/${name}`;
}

/** Where a saved dataset's files are: its recorded folder (datasets saved before the move lie in `datasets/<name>`). */
export function savedDatasetDir(record: DatasetRecord): string {
  const file = record.metadata?.data.file;
  return file === undefined ? datasetDir(record.name) : file.slice(0, file.lastIndexOf('/'));
}
