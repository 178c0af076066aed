import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FileStore } from '../offline/file-store.js';
import { logFilePath } from './log-files.js';
import { logTable } from './log-table.js';
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

/**
 * Writes what feature services served to Parquet, off the request path. `offer` only appends a
 * reference to a bounded queue (a full queue drops the request's rows and counts them: logging
 * never blocks or fails serving); a timer writes the queue every `flushMs`, one file per service
 * and schema per flush, atomically, so a logged row is durable within about `flushMs`.
 */
export class FeatureLogWriter implements FeatureLogSink {
  private pending: ServedRequest[] = [];
  private queued = 0;
  private dropped = 0;
  private written = 0;
  private failed = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly idPrefix = `log-${randomBytes(4).toString('hex')}`;
  private ids = 0;
  private readonly encoder = new ParquetEncoder();

  constructor(private readonly deps: { files: FileStore; logger: Logger; options: FeatureLogOptions }) {}

  offer(served: ServedRequest): void {
    if (this.closed || this.queued + served.count > this.deps.options.capacityRows) {
      this.dropped += served.count;
      return;
    }
    this.pending.push(served);
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
    if (this.pending.length) await this.writePending();
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
    const batch = this.pending;
    this.pending = [];
    const done = this.write(batch).finally(() => {
      this.flushing = null;
      if (this.pending.length && this.timer === null && !this.closed) this.schedule();
    });
    this.flushing = done;
    return done;
  }

  private async write(batch: ServedRequest[]): Promise<void> {
    const groups = new Map<string, ServedRequest[]>();
    for (const served of batch) {
      const group = groups.get(served.schema.signature);
      if (group) group.push(served);
      else groups.set(served.schema.signature, [served]);
    }
    for (const group of groups.values()) {
      let rows = 0;
      let firstAt = Number.POSITIVE_INFINITY;
      for (const s of group) {
        rows += s.count;
        if (s.at < firstAt) firstAt = s.at;
      }
      const service = group[0].schema.service;
      try {
        const table = logTable(group[0].schema, group, () => `${this.idPrefix}-${(++this.ids).toString(36)}`);
        await this.deps.files.writeAtomic(logFilePath(service, firstAt), await this.encoder.encode(table));
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
