import type { Column } from '../columns/column.js';
import { concatBatches, concatColumns, type RowBatch } from './row-batch.js';

/**
 * The columns a fit needs, gathered over a run's batches: the feature inputs, and the event times
 * (for `fit.window`). Keys, created times and unread columns are dropped, so a first run of ten
 * million rows holds only what the fit reads.
 */
export class FitCollector {
  private readonly inputs = new Map<string, Column[]>();
  private readonly times: Float64Array[] = [];
  private rows = 0;

  add(batch: RowBatch): void {
    for (const [name, column] of batch.inputs) {
      const list = this.inputs.get(name);
      if (list) list.push(column);
      else this.inputs.set(name, [column]);
    }
    this.times.push(batch.eventTs);
    this.rows += batch.length;
  }

  get length(): number {
    return this.rows;
  }

  /** One batch of every fit row (keys empty: a fit without ffill never reads them). */
  batch(): RowBatch {
    const inputs = new Map<string, Column>();
    for (const [name, columns] of this.inputs) inputs.set(name, concatColumns(columns));
    const times = concatBatches(this.times.map((eventTs) => ({ length: eventTs.length, keys: [], eventTs, createdTs: null, inputs: new Map() }))).eventTs;
    this.inputs.clear();
    this.times.length = 0;
    return { length: this.rows, keys: [], eventTs: times, createdTs: null, inputs };
  }
}
