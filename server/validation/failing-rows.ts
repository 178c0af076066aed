import type { FailingRow } from './validation-report.js';

/** Renders row `i` of the batch being checked, with its position in the run. */
export type RowRenderer = (i: number) => FailingRow;

/** Counts failing rows and keeps the first `cap` of them, rendered only when kept. */
export class FailingRows {
  count = 0;
  readonly rows: FailingRow[] = [];

  constructor(private readonly cap: number) {}

  note(i: number, render: RowRenderer): void {
    this.count++;
    if (this.rows.length < this.cap) this.rows.push(render(i));
  }
}
