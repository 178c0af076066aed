/**
 * Column buffers handed back by the encoder thread once a batch is written, for the next batches.
 * A batch of a 50-feature schema at a few thousand req/s is megabytes of typed arrays a second;
 * allocating them fresh on the serving thread cost about a third of logging's time there (zero-filled
 * pages faulted in, external memory counted towards collections). Buffers are kept by exact size
 * (batches are sized in powers of two, so a steady load reuses every one), up to `maxBytes` in all.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * A buffer of exactly `byteLength` bytes: a returned one when there is one, holding what it held
   * (the caller clears what it reads before writing: zeroing every column cost as much as allocating).
   */
  take(byteLength: number): ArrayBuffer {
    const list = this.free.get(byteLength);
    const buffer = list?.pop();
    if (buffer === undefined) return new ArrayBuffer(byteLength);
    this.bytes -= byteLength;
    return buffer;
  }

  /** Buffers no longer used (nothing may read or write them after); beyond `maxBytes` they are left to the collector. */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      const size = buffer.byteLength;
      if (size === 0 || this.bytes + size > this.maxBytes) continue;
      let list = this.free.get(size);
      if (list === undefined) {
        list = [];
        this.free.set(size, list);
      }
      list.push(buffer);
      this.bytes += size;
    }
  }

  /** Bytes held for reuse. */
  get heldBytes(): number {
    return this.bytes;
  }
}
