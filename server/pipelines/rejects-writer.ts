import fs from 'node:fs';
import path from 'node:path';
import type { RejectedRow } from '../sources/source.js';

/**
 * Rows a run could not coerce: counted per reason, and written as JSON lines (reason, column,
 * location, value, raw row) to `<dataDir>/rejects/<view>/v<N>/run-<id>.jsonl`. The file exists
 * only when there is something in it.
 */
export class RejectsWriter {
  readonly byReason: Record<string, number> = {};
  count = 0;
  private stream: fs.WriteStream | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly dataDir: string,
    readonly relPath: string,
  ) {}

  add(rejects: RejectedRow[]): void {
    if (rejects.length === 0) return;
    if (!this.stream) {
      const file = path.join(this.dataDir, this.relPath);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      this.stream = fs.createWriteStream(file);
      // A failure to open or write the file (a full disk) is emitted as 'error': unheard, Node would throw
      // it and end the process. close() reports it, and the run fails.
      this.stream.on('error', (e) => void (this.failure ??= e));
    }
    let text = '';
    for (const r of rejects) {
      this.byReason[r.reason] = (this.byReason[r.reason] ?? 0) + 1;
      text += `${JSON.stringify(r, jsonSafe)}\n`;
    }
    this.count += rejects.length;
    this.stream.write(text);
  }

  /** The file's path relative to the data dir, or null when nothing was rejected. */
  async close(): Promise<string | null> {
    if (!this.stream) return null;
    const stream = this.stream;
    await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(this.failure ?? e) : resolve())));
    return this.relPath;
  }
}

/** Raw rows of Parquet and SQLite sources hold BigInts, which JSON cannot: exact as a number when safe, else as text. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}
