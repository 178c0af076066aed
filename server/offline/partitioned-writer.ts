import * as arrow from 'apache-arrow';
import { arrowFromColumn } from '../columns/arrow-convert.js';
import { utcDate } from '../domain/time.js';
import type { KeyType } from '../domain/value-type.js';
import { concatOutputs, type OutputBatch, takeOutput } from '../pipelines/output-batch.js';
import type { FileStore } from './file-store.js';
import { toParquet } from './parquet-file.js';

const DAY_MS = 86_400_000;

export interface OfflineLayout {
  /** `offline/<view>/v<N>` */
  dir: string;
  runId: number;
  keys: { name: string; type: KeyType }[];
  hasCreated: boolean;
}

/**
 * Writes a run's rows as Hive-partitioned Parquet: `<dir>/date=YYYY-MM-DD/<runId>-<part>.parquet`.
 * Rows are buffered per day and flushed (every day at once) when `flushRows` are buffered, so memory
 * stays bounded whatever the run's size. Each file is written atomically; none is visible to readers
 * until the registry commits the snapshot that lists it.
 */
export class PartitionedWriter {
  private readonly buffered = new Map<number, OutputBatch[]>();
  private bufferedRows = 0;
  private part = 0;
  readonly files: string[] = [];

  constructor(
    private readonly store: FileStore,
    private readonly layout: OfflineLayout,
    private readonly flushRows: number,
  ) {}

  async add(batch: OutputBatch): Promise<void> {
    if (batch.length === 0) return;
    const days = new Float64Array(batch.length);
    const counts = new Map<number, number>();
    for (let i = 0; i < batch.length; i++) {
      const day = Math.floor(batch.eventTs[i] / DAY_MS);
      days[i] = day;
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
    if (counts.size === 1) this.buffer(days[0], batch);
    else {
      const indices = new Map<number, { at: number; rows: Int32Array }>();
      for (const [day, n] of counts) indices.set(day, { at: 0, rows: new Int32Array(n) });
      for (let i = 0; i < batch.length; i++) {
        const slot = indices.get(days[i])!;
        slot.rows[slot.at++] = i;
      }
      for (const [day, slot] of indices) this.buffer(day, takeOutput(batch, slot.rows));
    }
    if (this.bufferedRows >= this.flushRows) await this.flush();
  }

  /** Writes what is buffered; returns every file written so far (relative paths). */
  async finish(): Promise<string[]> {
    await this.flush();
    return this.files;
  }

  /** Removes the files this writer wrote (a failed run leaves nothing behind). */
  async abort(): Promise<void> {
    for (const file of this.files) await this.store.remove(file);
  }

  private buffer(day: number, batch: OutputBatch): void {
    const list = this.buffered.get(day);
    if (list) list.push(batch);
    else this.buffered.set(day, [batch]);
    this.bufferedRows += batch.length;
  }

  private async flush(): Promise<void> {
    const part = this.part++;
    for (const day of [...this.buffered.keys()].sort((a, b) => a - b)) {
      const batch = concatOutputs(this.buffered.get(day)!);
      this.buffered.delete(day);
      const file = `${this.layout.dir}/date=${utcDate(day * DAY_MS)}/${this.layout.runId}-${part}.parquet`;
      await this.store.writeAtomic(file, toParquet(this.toTable(batch)));
      this.files.push(file);
    }
    this.bufferedRows = 0;
  }

  private toTable(batch: OutputBatch): arrow.Table {
    const vectors: Record<string, arrow.Vector> = {};
    this.layout.keys.forEach((k, i) => (vectors[k.name] = arrow.makeVector(arrowFromColumn(batch.keys[i], k.type))));
    vectors.event_timestamp = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: batch.eventTs }, 'timestamp'));
    if (this.layout.hasCreated) vectors.created_timestamp = arrow.makeVector(arrowFromColumn({ kind: 'numeric', values: batch.createdTs! }, 'timestamp'));
    for (const c of batch.columns) vectors[c.name] = arrow.makeVector(arrowFromColumn(c.column, c.type));
    return new arrow.Table(vectors);
  }
}
