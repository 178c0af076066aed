import fs from 'node:fs';
import path from 'node:path';
import { type RecordBatch, Table, tableFromIPC, tableToIPC } from '../vendor/arrow.cjs';

/**
 * Source batches parked on disk while a run fits its transforms, so the fit can see every row before
 * any row is transformed without holding the run in memory. Each batch is one length-prefixed Arrow
 * IPC stream.
 */
export class SpillFile {
  private readonly fd: number;
  private rows = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w+');
  }

  append(batch: RecordBatch): void {
    const bytes = tableToIPC(new Table(batch), 'stream');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(bytes.length);
    fs.writeSync(this.fd, header);
    fs.writeSync(this.fd, bytes);
    this.rows += batch.numRows;
  }

  get length(): number {
    return this.rows;
  }

  /** Reads the batches back, in order. */
  *batches(): Generator<RecordBatch> {
    let position = 0;
    const header = Buffer.alloc(4);
    for (;;) {
      if (fs.readSync(this.fd, header, 0, 4, position) < 4) return;
      const size = header.readUInt32LE(0);
      const bytes = Buffer.alloc(size);
      fs.readSync(this.fd, bytes, 0, size, position + 4);
      position += 4 + size;
      yield* tableFromIPC(bytes).batches;
    }
  }

  remove(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.file, { force: true });
  }
}
