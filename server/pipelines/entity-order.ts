import type { RowContext } from '../transforms/transform.js';
import { entityKeyAt, type RowBatch, takeRows } from './row-batch.js';

/**
 * Sorts rows by entity, then event time, then created time (null first), and returns them with the
 * RowContext ffill needs: dense entity ids (contiguous per entity) and each id's key text; `order`
 * gives each sorted row's index in the input.
 */
export function orderByEntity(batch: RowBatch): { batch: RowBatch; rows: RowContext; order: Int32Array } {
  const n = batch.length;
  const ids = new Int32Array(n);
  const index = new Map<string, number>();
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = entityKeyAt(batch.keys, i);
    let id = index.get(key);
    if (id === undefined) {
      id = keys.length;
      keys.push(key);
      index.set(key, id);
    }
    ids[i] = id;
  }
  // Dense ids in key order make the sorted output independent of the source's row order.
  const rank = new Int32Array(keys.length);
  keys
    .map((k, id) => [k, id] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .forEach(([, id], r) => (rank[id] = r));
  const ts = batch.eventTs;
  const created = batch.createdTs;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    const d = rank[ids[a]] - rank[ids[b]];
    if (d !== 0) return d;
    if (ts[a] !== ts[b]) return ts[a] - ts[b];
    if (created) {
      const ca = created[a];
      const cb = created[b];
      // NaN (no created time) first; two NaNs are equal (NaN !== NaN would put each before the other).
      const aNull = ca !== ca;
      const bNull = cb !== cb;
      if (aNull !== bNull) return aNull ? -1 : 1;
      if (!aNull && ca !== cb) return ca - cb;
    }
    return a - b;
  });
  const sorted = takeRows(batch, order);
  const entityIds = new Int32Array(n);
  const entityKeys: string[] = new Array(keys.length);
  for (let i = 0; i < n; i++) {
    const r = rank[ids[order[i]]];
    entityIds[i] = r;
    entityKeys[r] = keys[ids[order[i]]];
  }
  return { batch: sorted, rows: { entityIds, entityKeys }, order };
}

/** A RowContext for chains without ffill: no step reads it. */
export function noRowContext(): RowContext {
  return { entityIds: new Int32Array(0), entityKeys: [] };
}
