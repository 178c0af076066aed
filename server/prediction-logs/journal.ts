import path from 'node:path';
import { TesseraError, errorMessage } from '../errors.js';
import type { JournalIo } from './journal-io.js';
import type { LogRow } from './log-row.js';

/** A segment this process wrote and closed: its rows are on disk and waiting to be published. */
export interface SealedSegment {
  name: string;
  file: string;
  rows: LogRow[];
}

interface Open {
  name: string;
  file: string;
  fd: number;
  /** Bytes acknowledged so far; the rest of the (preallocated) file is zeros. */
  offset: number;
  size: number;
  rows: LogRow[];
}

interface Waiter {
  bytes: Buffer;
  rows: LogRow[];
  resolve(): void;
  reject(e: unknown): void;
}

export interface JournalOptions {
  dir: string;
  /** `<pid>-<start token>`: segment names start with it, so a restart can tell its own from a dead writer's. */
  owner: string;
  io: JournalIo;
  /** Bytes preallocated per segment (grown by as much again when full). */
  segmentBytes: number;
}

/**
 * The prediction log's durable buffer: newline-delimited JSON appended to this process's segment file.
 * Appends arriving while a write is on its way wait and go together in the next one (group commit):
 * one write and one fdatasync for many requests, and no append resolves before its sync has.
 */
export class Journal {
  private current: Open | null = null;
  private waiting: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private sequence = 0;
  /** Segments given up after a failure; `takeBroken` hands them to the publisher. */
  private readonly sealedByFailure: Open[] = [];

  constructor(private readonly options: JournalOptions) {}

  /**
   * Resolves once `rows` are on the device; rejects (`unavailable`) when the write or sync failed.
   * `bytes` is the rows as their journal lines (`rowLine`), made by the caller as it builds them.
   */
  append(rows: LogRow[], bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ bytes, rows, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  /** Rows written to the open segment (not yet sealed). */
  openRows(): LogRow[] {
    return this.current?.rows ?? [];
  }

  /** Closes the open segment (after the writes in flight) and hands it over; null when there is none. */
  async seal(): Promise<SealedSegment | null> {
    while (this.flushing) await this.flushing;
    const segment = this.current;
    if (segment === null) return null;
    this.current = null;
    try {
      // The preallocated tail goes, so the file is exactly the acknowledged lines.
      await this.options.io.truncate(segment.fd, segment.offset);
      await this.options.io.sync(segment.fd);
      await this.options.io.close(segment.fd);
    } catch (e) {
      // Its rows stay readable (in memory) and on disk: handed over with the broken ones.
      this.sealedByFailure.push(segment);
      throw e;
    }
    return { name: segment.name, file: segment.file, rows: segment.rows };
  }

  private async drain(): Promise<void> {
    // One turn of the event loop lets requests that arrived together join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        await this.commit(group);
      }
    } finally {
      this.flushing = null;
    }
  }

  private async commit(group: Waiter[]): Promise<void> {
    const bytes = group.length === 1 ? group[0].bytes : Buffer.concat(group.map((w) => w.bytes));
    const { io } = this.options;
    let segment: Open | null = null;
    try {
      segment = await this.segmentFor(bytes.length);
      await io.write(segment.fd, bytes, segment.offset);
      await io.sync(segment.fd);
    } catch (e) {
      await this.abandon(segment, bytes.length);
      const error = new TesseraError('unavailable', `the prediction log could not be written: ${errorMessage(e)}`, [], { cause: e });
      for (const w of group) w.reject(error);
      return;
    }
    segment.offset += bytes.length;
    for (const w of group) {
      for (const r of w.rows) segment.rows.push(r);
      w.resolve();
    }
  }

  /**
   * After a failed write or sync: the group's bytes are zeroed (a replay stops at zeros, so nothing
   * unacknowledged comes back) and the next group writes over them. When even that fails, the segment
   * is sealed as it was acknowledged and the next group starts a new one.
   */
  private async abandon(segment: Open | null, length: number): Promise<void> {
    if (segment === null) return;
    try {
      await this.options.io.write(segment.fd, Buffer.alloc(length), segment.offset);
    } catch {
      this.current = null;
      this.sealedByFailure.push(segment);
    }
  }

  /** Segments closed because a write failed beyond repair, truncated to what was acknowledged. */
  async takeBroken(): Promise<SealedSegment[]> {
    const out: SealedSegment[] = [];
    for (const segment of this.sealedByFailure.splice(0)) {
      await this.options.io.truncate(segment.fd, segment.offset).catch(() => undefined);
      await this.options.io.close(segment.fd).catch(() => undefined);
      out.push({ name: segment.name, file: segment.file, rows: segment.rows });
    }
    return out;
  }

  private async segmentFor(length: number): Promise<Open> {
    const { io, segmentBytes } = this.options;
    if (this.current === null) {
      const name = `${this.options.owner}-${String(++this.sequence).padStart(6, '0')}`;
      const file = path.join(this.options.dir, `${name}.ndjson`);
      const fd = await io.open(file);
      this.current = { name, file, fd, offset: 0, size: 0, rows: [] };
    }
    const segment = this.current;
    if (segment.offset + length > segment.size) {
      // Preallocated (a sparse file of zeros): writes inside the size do not change it, so a sync
      // rarely has a file size to record besides the data.
      segment.size = segment.offset + length + segmentBytes;
      await io.truncate(segment.fd, segment.size);
    }
    return segment;
  }
}
