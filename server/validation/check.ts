import type { RowBatch } from '../pipelines/row-batch.js';
import type { RowRenderer } from './failing-rows.js';
import type { ExpectationResult } from './validation-report.js';

/** One or more expectations, accumulated batch by batch over a run's typed source rows. */
export interface Check {
  add(batch: RowBatch, render: RowRenderer): void;
  /** The outcome over every row added; `now` for expectations relative to the clock (maxLag). */
  result(now: number): ExpectationResult[];
}
