/**
 * Column buffers handed back by the encoder thread once a batch is written, for the next batches.
 * A batch of a 50-feature schema at a few thousand req/s is megabytes of typed arrays a second;
 * allocating them fresh on the serving thread cost about a third of logging's time there (zero-filled
 * pages faulted in, external memory counted towards collections). Buffers are kept by size class, a
 * power of two (a buffer of class c holds at least c bytes), up to `maxBytes` in all: a batch that
 * grew, a string column that outgrew its guess or a batch of another size still finds one.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * A buffer of at least `byteLength` bytes (a new one is the power of two at or above it): a
   * returned one when there is one, holding what it held (the caller clears what it reads before
   * writing: zeroing every column cost as much as allocating). Callers view its first bytes.
   */
  take(byteLength: number): ArrayBuffer {
    const size = byteLength <= 1 ? 1 : 2 ** Math.ceil(Math.log2(byteLength));
    const list = this.free.get(size);
    const buffer = list?.pop();
    if (buffer === undefined) return new ArrayBuffer(size);
    this.bytes -= buffer.byteLength;
    return buffer;
  }

  /** Buffers no longer used (nothing may read or write them after); beyond `maxBytes` they are left to the collector. */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const buffer of buffers) {
      const size = buffer.byteLength;
      if (size === 0 || this.bytes + size > this.maxBytes) continue;
      // Filed under the power of two at or below its length: every buffer of a class holds the class's bytes.
      const key = 2 ** Math.floor(Math.log2(size));
      let list = this.free.get(key);
      if (list === undefined) {
        list = [];
        this.free.set(key, list);
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
