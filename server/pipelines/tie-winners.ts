import type { Column } from '../columns/column.js';
import { entityKeyAt } from './row-batch.js';

/** A run's rows in read order, as far as ties on key and event time need them. */
export interface TiedRows {
  length: number;
  keys: Column[];
  eventTs: Float64Array;
  createdTs: Float64Array | null;
}

/**
 * The rows that win their tie on join keys and event time, in read order, or null when no row loses
 * one. The winner is the row the snapshot keeps (SnapshotWriter): the greatest created time (null
 * loses), then the row read last. The fit and ffill see the winners only: a value the snapshot drops
 * must not shape the fitted state or be carried into a kept row (training-serving consistency).
 *
 * Only rows whose event time repeats can tie, so the keys are read for those rows alone: a native
 * sort of the times finds them, and a run without repeated times costs that sort and nothing else.
 */
export function tieWinners(rows: TiedRows): Int32Array | null {
  const n = rows.length;
  const ts = rows.eventTs;
  const sorted = Float64Array.from(ts.subarray(0, n)).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
  if (repeated.size === 0) return null;

  const created = rows.createdTs;
  const best = new Map<string, number>();
  const lost = new Uint8Array(n);
  let losers = 0;
  for (let i = 0; i < n; i++) {
    if (!repeated.has(ts[i])) continue;
    const id = `${ts[i]}\u0002${entityKeyAt(rows.keys, i)}`;
    const held = best.get(id);
    if (held === undefined) {
      best.set(id, i);
      continue;
    }
    // i is read after `held`: it wins unless `held` has the greater created time (NaN: null, loses).
    const heldWins = created !== null && created[held] === created[held] && !(created[i] >= created[held]);
    lost[heldWins ? i : held] = 1;
    losers++;
    if (!heldWins) best.set(id, i);
  }
  if (losers === 0) return null;
  const keep = new Int32Array(n - losers);
  for (let i = 0, k = 0; i < n; i++) if (!lost[i]) keep[k++] = i;
  return keep;
}
