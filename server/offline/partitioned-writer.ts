import * as arrow from 'apache-arrow';
import { arrowFromColumn } from '../columns/arrow-convert.js';
import { utcDate } from '../domain/time.js';
import type { KeyType } from '../domain/value-type.js';
import { type OutputBatch, takeOutput } from '../pipelines/output-batch.js';
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
  /** File writes under way: they finish (fsync included) while the run goes on; `finish` waits for them. */
  private readonly writing: Promise<void>[] = [];
  private bufferedRows = 0;
  private part = 0;
  /** One dictionary type per string column for the whole run: every batch of a table must share them. */
  private readonly dictionaries = new Map<string, arrow.Dictionary<arrow.Utf8, arrow.Int32>>();
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
    if (this.bufferedRows >= this.flushRows) this.flush();
  }

  /** Writes what is buffered; returns every file written so far (relative paths). */
  async finish(): Promise<string[]> {
    this.flush();
    await Promise.all(this.writing);
    return this.files;
  }

  /** Removes the files this writer wrote (a failed run leaves nothing behind). */
  async abort(): Promise<void> {
    await Promise.allSettled(this.writing);
    for (const file of this.files) await this.store.remove(file);
  }

  private buffer(day: number, batch: OutputBatch): void {
    const list = this.buffered.get(day);
    if (list) list.push(batch);
    else this.buffered.set(day, [batch]);
    this.bufferedRows += batch.length;
  }

  private flush(): void {
    const part = this.part++;
    for (const day of [...this.buffered.keys()].sort((a, b) => a - b)) {
      const batches = this.buffered.get(day)!;
      this.buffered.delete(day);
      const file = `${this.layout.dir}/date=${utcDate(day * DAY_MS)}/${this.layout.runId}-${part}.parquet`;
      // Encoding is synchronous (WebAssembly); the write and its fsync proceed in the thread pool
      // while the run transforms the next batches.
      const bytes = toParquet(new arrow.Table(batches.map((b) => this.toRecordBatch(b))));
      const write = this.store.writeAtomic(file, bytes);
      // Awaited in `finish`; marked handled now so an early failure is not an unhandled rejection.
      write.catch(() => undefined);
      this.writing.push(write);
      this.files.push(file);
    }
    this.bufferedRows = 0;
  }

  /** One buffered batch as an Arrow record batch: no concatenation, each becomes part of a row group. */
  private toRecordBatch(batch: OutputBatch): arrow.RecordBatch {
    const fields: arrow.Field[] = [];
    const children: arrow.Data[] = [];
    const dictionary = (name: string) => {
      let type = this.dictionaries.get(name);
      if (!type) this.dictionaries.set(name, (type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())));
      return type;
    };
    const add = (name: string, data: arrow.Data, nullable: boolean) => {
      fields.push(new arrow.Field(name, data.type, nullable));
      children.push(data);
    };
    this.layout.keys.forEach((k, i) => add(k.name, arrowFromColumn(batch.keys[i], k.type, dictionary(k.name)), false));
    add('event_timestamp', arrowFromColumn({ kind: 'numeric', values: batch.eventTs }, 'timestamp'), false);
    if (this.layout.hasCreated) add('created_timestamp', arrowFromColumn({ kind: 'numeric', values: batch.createdTs! }, 'timestamp'), true);
    for (const c of batch.columns) add(c.name, arrowFromColumn(c.column, c.type, dictionary(c.name)), true);
    const schema = new arrow.Schema(fields);
    const struct = arrow.makeData({ type: new arrow.Struct(fields), length: batch.length, nullCount: 0, children });
    return new arrow.RecordBatch(schema, struct);
  }
}
