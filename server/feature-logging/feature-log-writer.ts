import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FileStore } from '../offline/file-store.js';
import { BufferPool } from './buffer-pool.js';
import { LogColumns } from './log-columns.js';
import { logFilePath } from './log-files.js';
import { ParquetEncoder } from './parquet-encoder.js';
import type { FeatureLogSink, ServedRequest } from './served-request.js';

export interface FeatureLogOptions {
  /** Rows the queue holds at most (waiting and being written); beyond, requests are dropped and counted. */
  capacityRows: number;
  /** Rows wait at most this long before their file is written (plus the write's own time). */
  flushMs: number;
}

/** The feature log's queue, for `/health` and metrics. Counts are rows since the process started. */
export interface FeatureLogQueueStats {
  /** Rows waiting or being written now. */
  queueDepthRows: number;
  capacityRows: number;
  /** Rows refused because the queue was full (or the process stopping). */
  droppedRows: number;
  /** Rows in files written. */
  writtenRows: number;
  /** Rows lost to failed writes (logged at warn). */
  failedRows: number;
}

/** Buffers kept for reuse at most: a few batches of a wide schema at a few thousand rows a second. */
const POOL_BYTES = 64 * 1024 * 1024;

/**
 * Writes what feature services served to Parquet, off the request path. `offer` copies the served
 * rows into the open batch of their schema (column buffers: a few array writes per value, and no
 * answer is kept alive) within a bounded queue (a full queue drops the request's rows and counts
 * them: logging never blocks or fails serving); a timer hands the batches to the encoder thread
 * every `flushMs`, one file per service and schema per flush, written atomically, so a logged row
 * is durable within about `flushMs`.
 */
export class FeatureLogWriter implements FeatureLogSink {
  /** Open batches by schema signature. */
  private pending = new Map<string, LogColumns>();
  /**
   * Per schema, how large its next batch starts: the last batch's row count, or half the previous
   * start when that is more. A batch that outgrows its start copies its columns into buffers of twice
   * the size, so under a steady load that wavers around a power of two, starting from the last size
   * alone grew every other batch; shrinking by halves keeps one size (and its pooled buffers).
   */
  private readonly sizes = new Map<string, number>();
  private queued = 0;
  private dropped = 0;
  private written = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly idPrefix = `log-${randomBytes(4).toString('hex')}`;
  private ids = 0;
  /** Column buffers back from the encoder thread: the next batches reuse them instead of allocating. */
  private readonly pool = new BufferPool(POOL_BYTES);
  private readonly encoder = new ParquetEncoder((buffers) => this.pool.give(buffers));

  constructor(private readonly deps: { files: FileStore; logger: Logger; options: FeatureLogOptions }) {}

  offer(served: ServedRequest): void {
    if (this.closed || this.queued + served.count > this.deps.options.capacityRows) {
      this.dropped += served.count;
      return;
    }
    const signature = served.schema.signature;
    let batch = this.pending.get(signature);
    if (batch === undefined) {
      batch = new LogColumns(served.schema, this.sizes.get(signature) ?? 256, this.pool);
      this.pending.set(signature, batch);
    }
    batch.append(served, served.requestId ?? `${this.idPrefix}-${(++this.ids).toString(36)}`);
    this.queued += served.count;
    if (this.timer === null && this.flushing === null) this.schedule();
  }

  /** The queue's depth and counters: what a metrics endpoint exports as gauges and counters. */
  queueStats(): FeatureLogQueueStats {
    return { queueDepthRows: this.queued, capacityRows: this.deps.options.capacityRows, droppedRows: this.dropped, writtenRows: this.written, failedRows: this.failed };
  }

  /** Writes everything queued now, and resolves once it is durable (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    if (this.pending.size) await this.writePending();
  }

  /** Refuses new rows (counted as dropped) and writes what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.encoder.close();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.writePending();
    }, this.deps.options.flushMs);
    this.timer.unref();
  }

  private writePending(): Promise<void> {
    const batches = [...this.pending.values()];
    this.pending = new Map();
    const done = this.write(batches).finally(() => {
      this.flushing = null;
      if (this.pending.size && this.timer === null && !this.closed) this.schedule();
    });
    this.flushing = done;
    return done;
  }

  private async write(batches: LogColumns[]): Promise<void> {
    for (const columns of batches) {
      const rows = columns.size;
      const service = columns.schema.service;
      this.sizes.set(columns.schema.signature, Math.max(rows, (this.sizes.get(columns.schema.signature) ?? 0) / 2));
      try {
        const { batch, buffers } = columns.finish();
        const parquet = await this.encoder.encode(batch, buffers);
        await this.deps.files.writeAtomic(logFilePath(service, batch.firstAt), parquet);
        this.encoder.recycle(parquet);
        this.written += rows;
      } catch (e) {
        this.failed += rows;
        this.deps.logger.warn({ err: errorMessage(e), service, rows }, 'could not write feature log rows');
      } finally {
        this.queued -= rows;
      }
    }
  }
}
