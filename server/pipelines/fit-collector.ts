import type { Column } from '../columns/column.js';
import { concatColumns, type RowBatch } from './row-batch.js';

/**
 * The columns a fit needs, gathered over a run's batches: the feature inputs, and the event times
 * when a fit window selects rows by them (`keepTimes`; else only their range is kept: 8 bytes a row,
 * 80 MB of a ten-million-row first run). Keys, created times and unread columns are dropped, and `columns()` hands the inputs over one at a
 * time, releasing each column's pieces as it is joined: a first run of ten million rows holds one
 * joined column at a time, not a second copy of everything.
 */
export class FitCollector {
  private readonly inputs = new Map<string, Column[]>();
  private readonly times: Float64Array[] = [];
  private rows = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;

  constructor(private readonly keepTimes = true) {}

  add(batch: RowBatch): void {
    for (const [name, column] of batch.inputs) {
      const list = this.inputs.get(name);
      if (list) list.push(column);
      else this.inputs.set(name, [column]);
    }
    if (this.keepTimes) this.times.push(batch.eventTs);
    for (let i = 0; i < batch.length; i++) {
      const t = batch.eventTs[i];
      if (t < this.minTs) this.minTs = t;
      if (t > this.maxTs) this.maxTs = t;
    }
    this.rows += batch.length;
  }

  get length(): number {
    return this.rows;
  }

  /** Event-time range of the collected rows (epoch ms). */
  get range(): { min: number; max: number } {
    return { min: this.minTs, max: this.maxTs };
  }

  /** The rows with event time > `after` (for `fit.window`): their indices in order, and their earliest time. */
  select(after: number): { keep: Int32Array; min: number } {
    if (!this.keepTimes) throw new Error('FitCollector: rows are selected by event time only when their times were kept');
    const keep: number[] = [];
    let min = Infinity;
    let at = 0;
    for (const times of this.times) {
      for (let i = 0; i < times.length; i++) {
        if (times[i] <= after) continue;
        keep.push(at + i);
        if (times[i] < min) min = times[i];
      }
      at += times.length;
    }
    return { keep: Int32Array.from(keep), min };
  }

  /** Each input column joined, one at a time; the pieces of a column are released once joined. */
  *columns(): Generator<[string, Column]> {
    for (const name of [...this.inputs.keys()]) {
      const pieces = this.inputs.get(name)!;
      this.inputs.delete(name);
      const joined = concatColumns(pieces);
      pieces.length = 0;
      yield [name, joined];
    }
    this.times.length = 0;
  }
}
