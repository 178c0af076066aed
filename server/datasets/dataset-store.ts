import type { DatasetMetadata, DatasetRecord } from './dataset-metadata.js';

/**
 * Saved datasets' records, one part of a `RegistryBackend`. Contract, proved for every backend by
 * `test/registry/dataset-store.contract.ts`:
 * - `reserve` claims a name atomically: a second reservation of one name is a `conflict` (409).
 * - `complete` makes a reserved dataset visible with its metadata; `release` drops a reservation.
 */
export interface DatasetStore {
  reserve(name: string, now: number): Promise<void>;
  complete(name: string, metadata: DatasetMetadata, now: number): Promise<void>;
  release(name: string): Promise<void>;
  get(name: string): Promise<DatasetRecord | null>;
  list(): Promise<DatasetRecord[]>;
  remove(name: string): Promise<boolean>;
}
