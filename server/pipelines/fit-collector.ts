import type { Column } from '../columns/column.js';
import { concatColumns, type RowBatch } from './row-batch.js';
import { tieWinners } from './tie-winners.js';

/**
 * The columns a fit needs, gathered over a run's batches: the feature inputs, and the join keys and
 * times that say which rows the snapshot keeps (`tieWinners`) and which a fit window selects. The
 * keys and times are the batches' own arrays (while the run holds its batches, they cost nothing
 * more; beyond `spillRows`, 8 bytes a row for the times and a key column's own size). Unread
 * columns are dropped, and `columns()` hands the inputs over one at a time, releasing each column's
 * pieces as it is joined: a first run of ten million rows holds one joined column at a time, not a
 * second copy of everything.
 */
export class FitCollector {
  private readonly inputs = new Map<string, Column[]>();
  private readonly times: Float64Array[] = [];
  private readonly created: Float64Array[] = [];
  private readonly keys: Column[][] = [];
  private rows = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;
  /** Times strictly increasing in read order so far: no two rows can tie, and `select` joins nothing. */
  private strictly = true;
  private lastTs = -Infinity;

  add(batch: RowBatch): void {
    for (const [name, column] of batch.inputs) {
      const list = this.inputs.get(name);
      if (list) list.push(column);
      else this.inputs.set(name, [column]);
    }
    this.times.push(batch.eventTs);
    if (batch.createdTs) this.created.push(batch.createdTs);
    this.keys.push(batch.keys);
    let last = this.lastTs;
    let strictly = this.strictly;
    for (let i = 0; i < batch.length; i++) {
      const t = batch.eventTs[i];
      if (t < this.minTs) this.minTs = t;
      if (t > this.maxTs) this.maxTs = t;
      if (t <= last) strictly = false;
      last = t;
    }
    this.lastTs = last;
    this.strictly = strictly;
    this.rows += batch.length;
  }

  get length(): number {
    return this.rows;
  }

  /** Event-time range of the collected rows (epoch ms). */
  get range(): { min: number; max: number } {
    return { min: this.minTs, max: this.maxTs };
  }

  /**
   * The fit rows: those that win their tie on keys and event time (the rows the snapshot keeps) and,
   * with `after` (for `fit.window`), whose event time is > `after`. Their indices in order, or null
   * for every row; and their earliest event time.
   */
  select(after: number | null): { keep: Int32Array | null; min: number } {
    // Strictly increasing times (a source read in time order, at its finest) cannot tie: no copy of the
    // keys and times for tieWinners, which a 10M-row first run would pay in peak memory.
    if (this.strictly && after === null) return { keep: null, min: this.minTs };
    const times = joinTimes(this.times);
    let keep = this.strictly
      ? null
      : tieWinners({
          length: this.rows,
          keys: this.keys.length ? this.keys[0].map((_, k) => concatColumns(this.keys.map((b) => b[k]))) : [],
          eventTs: times,
          createdTs: this.created.length ? joinTimes(this.created) : null,
        });
    if (after !== null) {
      const kept: number[] = [];
      const n = keep ? keep.length : this.rows;
      for (let j = 0; j < n; j++) {
        const i = keep ? keep[j] : j;
        if (times[i] > after) kept.push(i);
      }
      keep = Int32Array.from(kept);
    }
    if (keep === null) return { keep, min: this.minTs };
    let min = Infinity;
    for (let j = 0; j < keep.length; j++) if (times[keep[j]] < min) min = times[keep[j]];
    return { keep, min };
  }

  /** Each input column joined, one at a time; the pieces of a column are released once joined. */
  *columns(): Generator<[string, Column]> {
    this.times.length = 0;
    this.created.length = 0;
    this.keys.length = 0;
    for (const name of [...this.inputs.keys()]) {
      const pieces = this.inputs.get(name)!;
      this.inputs.delete(name);
      const joined = concatColumns(pieces);
      pieces.length = 0;
      yield [name, joined];
    }
  }
}

function joinTimes(pieces: Float64Array[]): Float64Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Float64Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
