import type { Column } from '../columns/column.js';
import { entityKeyAt } from './row-batch.js';

/** A run's rows in read order, as far as ties on key and event time need them. */
export interface TiedRows {
  length: number;
  keys: Column[];
  eventTs: Float64Array;
  createdTs: Float64Array | null;
}

/** Rows of one event time compared pairwise up to this many; beyond, through a Map. */
const SMALL_GROUP = 16;

/**
 * The rows that win their tie on join keys and event time, in read order, or null when no row loses
 * one. The winner is the row the snapshot keeps (SnapshotWriter): the greatest created time (null
 * loses), then the row read last. The fit and ffill see the winners only: a value the snapshot drops
 * must not shape the fitted state or be carried into a kept row (training-serving consistency).
 *
 * Only rows of the same event time can tie: the times in read order (or, when the source is not in
 * time order, a native sort of them) give the distinct ones, a counting sort groups the rows by time
 * (typed arrays only: no per-row allocation), and keys are compared within each group of two rows or
 * more. Rows read in strictly increasing time cost one pass.
 */
export function tieWinners(rows: TiedRows): Int32Array | null {
  const n = rows.length;
  const ts = rows.eventTs;
  // Sources read in time order (the usual case) need no sort, and strictly increasing times no more.
  let ascending = true;
  let strictly = true;
  for (let i = 1; i < n && ascending; i++) {
    if (ts[i] < ts[i - 1]) ascending = false;
    else if (ts[i] === ts[i - 1]) strictly = false;
  }
  if (ascending && strictly) return null;
  const sorted = ascending ? ts.slice(0, n) : Float64Array.from(ts.subarray(0, n)).sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[distinct++] = sorted[i];
  if (distinct === n) return null;
  const times = sorted.subarray(0, distinct);

  // Group the rows by time, each group in read order.
  const rank = new Int32Array(n);
  const start = new Int32Array(distinct + 1);
  for (let i = 0, r = 0; i < n; i++) {
    if (ascending) r += i > 0 && ts[i] !== ts[i - 1] ? 1 : 0;
    else r = rankOf(times, ts[i]);
    rank[i] = r;
    start[r + 1]++;
  }
  for (let r = 0; r < distinct; r++) start[r + 1] += start[r];
  const grouped = new Int32Array(n);
  const fill = start.slice(0, distinct);
  for (let i = 0; i < n; i++) grouped[fill[rank[i]]++] = i;

  const keyOf = entityKeyOf(rows.keys);
  const created = rows.createdTs;
  const lost = new Uint8Array(n);
  let losers = 0;
  // `later` is read after `held`: it wins unless `held` has the greater created time (NaN: null, loses).
  const decide = (held: number, later: number): number => {
    const heldWins = created !== null && created[held] === created[held] && !(created[later] >= created[held]);
    lost[heldWins ? later : held] = 1;
    losers++;
    return heldWins ? held : later;
  };
  const best = new Map<number | string, number>();
  for (let r = 0; r < distinct; r++) {
    const from = start[r];
    const to = start[r + 1];
    if (to - from < 2) continue;
    if (to - from <= SMALL_GROUP) {
      for (let a = from; a < to; a++) {
        const i = grouped[a];
        if (lost[i]) continue;
        const key = keyOf(i);
        for (let b = a + 1; b < to; b++) {
          const j = grouped[b];
          if (!lost[j] && keyOf(j) === key && decide(i, j) === j) break;
        }
      }
      continue;
    }
    best.clear();
    for (let a = from; a < to; a++) {
      const i = grouped[a];
      const key = keyOf(i);
      const held = best.get(key);
      best.set(key, held === undefined ? i : decide(held, i));
    }
  }
  if (losers === 0) return null;
  const keep = new Int32Array(n - losers);
  for (let i = 0, k = 0; i < n; i++) if (!lost[i]) keep[k++] = i;
  return keep;
}

/** The index of `t` in the ascending, distinct `times` (it is there). */
function rankOf(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A row's entity, comparable with `===`: the value itself for one key column, else the keys' text. */
function entityKeyOf(keys: Column[]): (i: number) => number | string {
  if (keys.length === 1) {
    const c = keys[0];
    return c.kind === 'numeric' ? (i) => c.values[i] : (i) => c.dictionary[c.codes[i]];
  }
  return (i) => entityKeyAt(keys, i);
}
