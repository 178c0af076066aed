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
  return key.length === 1 ? String(key[0]) : JSON.stringify(key);
}

export function rowKey(tableKeyPrefix: string, key: KeyValue[]): string {
  return `${tableKeyPrefix}{${entityText(key)}}`;
}

/** A SCAN MATCH pattern for every key of one table: the prefix's glob characters escaped. */
export function tablePattern(tableKeyPrefix: string): string {
  return `${tableKeyPrefix.replace(/[*?[\]\\]/g, '\\$&')}{*`;
}

/** Hash fields: the row's times, and each column by its index in the (immutable) version's columns. */
export const EVENT_FIELD = 'e';
export const CREATED_FIELD = 'c';
export const columnField = (index: number) => String(index);
