import { approxNumeric } from '../columns/arrow-convert.js';
import { StatsAccumulator } from '../columns/column-stats.js';
import type { OutputBatch } from './output-batch.js';
import type { ColumnStatistics } from '../domain/snapshot.js';

/** Statistics of every output column over a snapshot's batches; one-hot columns counted from their codes. */
export class SnapshotStats {
  private readonly stats = new Map<string, StatsAccumulator>();

  add(out: OutputBatch): void {
    let codes: Int32Array | null = null;
    let counts: Int32Array | null = null;
    for (const c of out.columns) {
      let acc = this.stats.get(c.name);
      if (!acc) this.stats.set(c.name, (acc = new StatsAccumulator(!c.onehot && c.type === 'string' ? 'string' : 'numeric', { binary: c.binary })));
      if (!c.onehot) {
        // Statistics of an int64 column beyond 2^53 are of its values rounded to doubles.
        acc.add(c.type === 'int64' ? approxNumeric(c.column) : c.column);
        continue;
      }
      if (c.onehot.codes !== codes) {
        codes = c.onehot.codes;
        counts = countCodes(codes);
      }
      acc.addOnes(out.length, c.onehot.index < counts!.length ? counts![c.onehot.index] : 0);
    }
  }

  result(): Record<string, ColumnStatistics> {
    return Object.fromEntries([...this.stats].map(([name, acc]) => [name, acc.result()]));
  }
}

/** How many rows hold each code (codes are small: the index of a one-hot column, -1 for none). */
function countCodes(codes: Int32Array): Int32Array {
  let max = -1;
  for (let i = 0; i < codes.length; i++) if (codes[i] > max) max = codes[i];
  const counts = new Int32Array(max + 1);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) counts[codes[i]]++;
  return counts;
}
