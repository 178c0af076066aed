import type { Writable } from 'node:stream';

/** Where an answer is written: an HTTP response or a file, with backpressure. */
export interface Sink {
  write(chunk: string | Uint8Array): Promise<void>;
}

/** A sink over a Node stream: waits for `drain` when the stream's buffer is full. */
export function writableSink(stream: Writable): Sink {
  return {
    write(chunk) {
      if (stream.destroyed) return Promise.reject(new Error('the output stream was closed'));
      if (stream.write(chunk)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = (e?: Error) => {
          stream.off('drain', ok);
          stream.off('close', closed);
          stream.off('error', done);
          if (e) reject(e);
          else resolve();
        };
        const ok = () => done();
        const closed = () => done(new Error('the output stream was closed'));
        stream.once('drain', ok);
        stream.once('close', closed);
        stream.once('error', done);
      });
    },
  };
}

/** Collects text written to it, in pieces of about `size` characters, so callers write fewer, larger chunks. */
export class TextBuffer {
  private parts: string[] = [];
  private length = 0;

  constructor(
    private readonly sink: Sink,
    private readonly size = 1 << 20,
  ) {}

  async add(text: string): Promise<void> {
    this.parts.push(text);
    this.length += text.length;
    if (this.length >= this.size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.length = 0;
    await this.sink.write(text);
  }
}
