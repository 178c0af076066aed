import type { DatasetMetadata, DatasetRecord } from './dataset-metadata.js';

/**
 * Saved datasets' records, one part of a `RegistryBackend`. Contract, proved for every backend by
 * `test/registry/dataset-store.contract.ts`:
 * - `reserve` claims a name atomically: a second reservation of one name is a `conflict` (409), unless
 *   the name's reservation was last touched before `staleBefore` (its builder died): then it takes that
 *   reservation over, atomically too, so of several processes taking over one, exactly one gets it.
 *   A reservation is known by the `now` it was made at (its `createdAt`).
 * - `touch` moves a live reservation's `updatedAt` (the builder's heartbeat).
 * - `complete` makes the reservation made at `reservedAt` visible with its metadata, and answers false
 *   when that reservation is gone (taken over or removed); `release` drops that reservation only.
 */
export interface DatasetStore {
  reserve(name: string, now: number, staleBefore: number): Promise<void>;
  touch(name: string, reservedAt: number, now: number): Promise<void>;
  complete(name: string, reservedAt: number, metadata: DatasetMetadata, now: number): Promise<boolean>;
  release(name: string, reservedAt: number): Promise<void>;
  get(name: string): Promise<DatasetRecord | null>;
  list(): Promise<DatasetRecord[]>;
  remove(name: string): Promise<boolean>;
}
