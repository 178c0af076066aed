import { Worker } from 'node:worker_threads';
import type { LogBatch } from './log-columns.js';
import type { EncodeAnswer, EncodeRequest } from './parquet-worker.js';

/**
 * Turns batches of log rows into Parquet on a thread of its own: building the Arrow table and
 * encoding it would stall requests on the serving thread for tens of milliseconds a flush (a p99
 * at 1,000 req/s is 10 requests a second). The batch's buffers are transferred, not copied. The
 * thread starts on first use and never keeps the process alive.
 */
export class ParquetEncoder {
  private worker: Worker | null = null;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (e: Error) => void }>();

  /** A written file's buffer, which the next file is written into when it fits (see `recycle`). */
  private output: ArrayBuffer | null = null;

  /** `returned`: gets a batch's buffers back once the thread is done with them. */
  constructor(private readonly returned: (buffers: ArrayBuffer[]) => void = () => undefined) {}

  /** `buffers`: the batch's typed arrays' buffers, unusable here afterwards. */
  encode(batch: LogBatch, buffers: ArrayBuffer[]): Promise<Uint8Array> {
    const id = ++this.next;
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      const output = this.output;
      this.output = null;
      const request: EncodeRequest = { id, batch, buffers, output };
      worker.postMessage(request, output === null ? buffers : [...buffers, output]);
    });
  }

  /**
   * Hands back the buffer of a file `encode` gave once it is written (nothing may read it after):
   * the next file is written into it, not into fresh memory (see `logParquet`). The largest is kept.
   */
  recycle(file: Uint8Array): void {
    const buffer = file.buffer as ArrayBuffer;
    if (this.output === null || buffer.byteLength > this.output.byteLength) this.output = buffer;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = spawn();
    worker.on('message', (answer: EncodeAnswer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      this.returned(answer.buffers);
      if (!waiting) return;
      if ('parquet' in answer) waiting.resolve(answer.parquet);
      else waiting.reject(new Error(answer.error));
    });
    worker.on('error', (e) => this.fail(worker, e));
    worker.on('exit', (code) => this.fail(worker, new Error(`the Parquet encoder thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** A dead thread fails what it was asked; the next `encode` starts another. */
  private fail(worker: Worker, e: Error): void {
    if (this.worker === worker) this.worker = null;
    for (const waiting of this.waiting.values()) waiting.reject(e);
    this.waiting.clear();
  }
}

/** Compiled, the thread is the .js beside this file; under tsx it registers tsx's loader first (as the pipeline worker does). */
function spawn(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parquet-worker.js', import.meta.url));
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const file = JSON.stringify(new URL('./parquet-worker.ts', import.meta.url).href);
  return new Worker(`import(${api}).then(({ register }) => { register(); return import(${file}); })`, { eval: true });
}
