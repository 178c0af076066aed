import * as arrow from '../vendor/arrow.cjs';
import { approxNumeric, columnFromArrow } from '../columns/arrow-convert.js';
import { StatsAccumulator } from '../columns/column-stats.js';
import type { Column } from '../columns/column.js';
import type { ResultColumn } from '../offline/result-columns.js';
import { resultBatches } from '../offline/result-batches.js';
import type { ColumnStatistics } from '../domain/snapshot.js';

/**
 * Statistics of every column of a result file (as snapshots have for their features), streamed a row
 * group at a time. Columns of types Tessera's columns cannot hold (lists, decimals) are left out.
 */
export async function datasetStatistics(file: string, columns: ResultColumn[]): Promise<Record<string, ColumnStatistics>> {
  const accumulators = new Map<string, StatsAccumulator | null>();
  for await (const batch of resultBatches(file)) {
    for (const c of columns) {
      if (accumulators.get(c.name) === null) continue;
      let column: Column;
      const vector = batch.getChild(c.name)!;
      try {
        // An int64 column holding a value beyond 2^53 comes as decimal text: its statistics are of the
        // values rounded to doubles, as a snapshot's are (and numeric in every batch alike).
        column = columnFromArrow(vector);
        if (arrow.DataType.isInt(vector.type)) column = approxNumeric(column);
      } catch {
        accumulators.set(c.name, null);
        continue;
      }
      let acc = accumulators.get(c.name);
      if (!acc) accumulators.set(c.name, (acc = new StatsAccumulator(column.kind)));
      acc.add(column);
    }
  }
  const out: Record<string, ColumnStatistics> = {};
  for (const c of columns) {
    const acc = accumulators.get(c.name);
    if (acc) out[c.name] = acc.result();
  }
  return out;
}
