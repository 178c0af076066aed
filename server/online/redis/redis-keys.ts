import type { KeyValue } from '../online-store.js';

/**
 * The key layout (docs/online-stores.md): one hash per view version and entity,
 * `<prefix><view>:<version>:{<entity>}`. The entity part is the hash tag, so in Redis Cluster every
 * view's row of one entity lives in the same slot. A single key is its value as text; a composite key
 * is the JSON array of its values (so no two tuples share a text).
 */
export function tablePrefix(prefix: string, view: string, version: number): string {
  return `${prefix}${view}:${version}:`;
}

export function entityText(key: KeyValue[]): string {
  if (key.length === 1) return String(key[0]);
  // JSON.stringify's text, written by hand since it refuses BigInts (int64 keys beyond 2^53).
  let out = '[';
  for (let i = 0; i < key.length; i++) out += (i > 0 ? ',' : '') + (typeof key[i] === 'string' ? JSON.stringify(key[i]) : String(key[i]));
  return `${out}]`;
}

export function rowKey(tableKeyPrefix: string, key: KeyValue[]): string {
  return `${tableKeyPrefix}{${entityText(key)}}`;
}

/** A SCAN MATCH pattern for every key of one table: the prefix's glob characters escaped. */
export function tablePattern(tableKeyPrefix: string): string {
  return `${tableKeyPrefix.replace(/[*?[\]\\]/g, '\\$&')}{*`;
}

/**
 * Hash fields: each feature by its column name, and the row's times under names no column can have
 * (column names start with a letter). Names, not positions: a read's table lists only the columns
 * it asks for.
 */
export const EVENT_FIELD = '_e';
export const CREATED_FIELD = '_c';
