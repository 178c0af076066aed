import type { KeyValue } from '../online/online-store.js';

/**
 * Whether rows of this entity key are logged at `rate` (0 < rate <= 1). The decision depends on the
 * key alone (Chronon samples by key hash, not by request), so every request of a kept key is logged
 * and a skew or drift report sees each kept key's whole history. FNV-1a over the key's text: cheap,
 * stable across processes and restarts, and spread evenly enough for a share.
 */
export function keepKey(key: readonly KeyValue[], rate: number): boolean {
  if (rate >= 1) return true;
  let hash = 0x811c9dc5;
  for (let k = 0; k < key.length; k++) {
    const text = k === 0 ? String(key[k]) : `\u0000${key[k]}`;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
  }
  return (hash >>> 0) / 0x1_0000_0000 < rate;
}
