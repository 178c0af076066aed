import type { Column } from '../columns/column.js';
import type { FeatureType, KeyType } from '../domain/value-type.js';

/** One table per view version: its join keys and output columns. */
export interface OnlineTable {
  view: string;
  version: number;
  keys: { name: string; type: KeyType }[];
  columns: { name: string; type: FeatureType }[];
}

/**
 * Rows to write, in columns: `columns[i]` holds `table.columns[i]`. An int64 key or value may come as a
 * string column of decimal digits: that is how a value beyond 2^53 stays exact (a double cannot hold it).
 */
export interface OnlineRows {
  length: number;
  keys: Column[];
  eventTs: Float64Array;
  createdTs: Float64Array | null;
  columns: Column[];
  /**
   * Optional, for stores that can use it: one-hot columns in compact form. `columns[k]` is 1 where
   * `groups[g][i] === index` for `onehot.columns[k] = {group: g, index}` (null: a plain column).
   * `columns` holds the same values either way.
   */
  onehot?: { groups: Int32Array[]; columns: ({ group: number; index: number } | null)[] };
}

/** A stored value: an int64 is a number within 2^53 and a BigInt beyond it (exact). */
export type OnlineValue = number | bigint | string | boolean | null;

/** What a read finds for one key. Values come in the order the features were asked. */
export interface OnlineRecord {
  eventTs: number;
  createdTs: number | null;
  values: OnlineValue[];
}

/** A join key's value: a string, or an int64 as a number (within 2^53) or a BigInt (beyond it, exact). */
export type KeyValue = number | string | bigint;

/**
 * The online store: the latest row per key of each view version. Built in one place,
 * `openOnlineStore`; nothing outside server/online/ knows which store it is. Implementations: SQLite
 * (`sqlite-online-store.ts`), Redis (`redis/redis-online-store.ts`). Contract (tested for every store by `test/online/online-store.contract.ts`):
 * - `createTable` is idempotent; `dropTable` of a missing table is a no-op; a table dropped and created
 *   again is empty, and reads prepared before the drop find nothing (never the old rows).
 * - `write` never replaces a stored row with an older one: the row with the greater event time wins,
 *   then the greater created time (null loses); on a full tie the write wins. The store decides it
 *   atomically, so two writers racing never go back in time.
 * - Readers see every row of a write whole (its values and times together, never a mix of two rows).
 *   The embedded store applies a whole write in one transaction (readers see all of it or none of
 *   it); Redis applies it in batches of rows, each atomic, so a reader may see part of a large write
 *   while it is being applied (docs/online-stores.md).
 * - `read` returns one result per key, in the same order, null where the key has no row; `values`
 *   follow `features`. Reading a table that does not exist returns all nulls.
 */
export interface OnlineStore {
  /** True when every prepared read has `readSync` (embedded stores): the in-process SDK's sync API needs it. */
  readonly synchronousReads: boolean;
  createTable(table: OnlineTable): Promise<void>;
  dropTable(view: string, version: number): Promise<void>;
  write(table: OnlineTable, rows: OnlineRows): Promise<{ written: number }>;
  read(table: OnlineTable, keys: KeyValue[][], features: string[]): Promise<(OnlineRecord | null)[]>;
  /**
   * `read` for one table and feature list, prepared once: serving keeps it in its cached plan, so a
   * read does no statement lookup or string work. Same contract as `read`.
   */
  prepareRead(table: OnlineTable, features: string[]): PreparedRead;
  /** Resolves when the store answers; rejects (code `unavailable`) when it does not (`/health`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface PreparedRead {
  read(keys: KeyValue[][]): Promise<(OnlineRecord | null)[]>;
  /** Embedded stores (SQLite) answer without a Promise: the in-process SDK's hot path uses it. */
  readSync?(keys: KeyValue[][]): (OnlineRecord | null)[];
}
