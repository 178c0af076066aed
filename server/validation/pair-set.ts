const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);

/** A 32-bit hash of two doubles, from their bits (integers up to 2^53 and epoch ms alike). */
function hashPair(x: number, y: number): number {
  scratch[0] = x;
  let h = Math.imul(words[0] ^ Math.imul(words[1], 0x27d4eb2d), 0x9e3779b1);
  scratch[0] = y;
  h ^= Math.imul(words[0] ^ Math.imul(words[1], 0x165667b1), 0x85ebca77);
  return h ^ (h >>> 15);
}

/** Pairs sharing one `y` that are compared by a scan; a longer run gets a Set of its `x`s. */
const SCAN = 16;

/**
 * A set of (number, number) pairs over typed arrays: what `uniqueKeys` needs for a run's (entity key,
 * event time) pairs, a million or more, without a string per row.
 *
 * Sources are often in event-time order (logs, exports, incremental pulls). While pairs arrive with
 * `y` never decreasing, a repeat can only be among the pairs of the current `y`, so only those are
 * compared and the pairs are merely appended. The first pair out of order builds a hash index of every
 * pair so far (open addressing; each slot keeps the pair's hash beside its entry, so a probe rarely
 * leaves the slot table), and every later pair goes through it.
 */
export class PairSet {
  private a = new Float64Array(1 << 15);
  private b = new Float64Array(1 << 15);
  private size = 0;
  /** In order: the last `y`, where its pairs start, and a Set of their `x`s once there are many. */
  private lastY = Number.NEGATIVE_INFINITY;
  private runStart = 0;
  private run: Set<number> | null = null;
  /** Out of order: slot s holds entry + 1 (0: empty) at 2s and the pair's hash at 2s + 1. */
  private table: Int32Array | null = null;
  private capacity = 0;

  /** Adds the pair; false when it was already there. */
  add(x: number, y: number): boolean {
    // -0 as 0, as === sees them (the hash sees bits). NaN equals nothing, as in the hash index.
    x += 0;
    y += 0;
    if (this.table === null) {
      if (y > this.lastY) {
        this.lastY = y;
        this.runStart = this.size;
        this.run = null;
      } else if (y === this.lastY) {
        if (this.inRun(x)) return false;
      } else {
        this.index();
        return this.addHashed(x, y);
      }
      this.run?.add(x);
      this.push(x, y);
      return true;
    }
    return this.addHashed(x, y);
  }

  private inRun(x: number): boolean {
    if (x !== x) return false;
    if (this.run !== null) return this.run.has(x);
    if (this.size - this.runStart < SCAN) {
      for (let e = this.runStart; e < this.size; e++) if (this.a[e] === x) return true;
      return false;
    }
    this.run = new Set(this.a.subarray(this.runStart, this.size));
    return this.run.has(x);
  }

  private addHashed(x: number, y: number): boolean {
    if (this.size * 2 >= this.capacity) this.grow();
    const h = hashPair(x, y);
    const table = this.table!;
    const mask = this.capacity - 1;
    let at = h & mask;
    for (;;) {
      const entry = table[2 * at];
      if (entry === 0) break;
      if (table[2 * at + 1] === h && this.a[entry - 1] === x && this.b[entry - 1] === y) return false;
      at = (at + 1) & mask;
    }
    this.push(x, y);
    table[2 * at] = this.size;
    table[2 * at + 1] = h;
    return true;
  }

  private push(x: number, y: number): void {
    if (this.size === this.a.length) {
      const a = new Float64Array(this.a.length * 2);
      const b = new Float64Array(this.b.length * 2);
      a.set(this.a);
      b.set(this.b);
      this.a = a;
      this.b = b;
    }
    this.a[this.size] = x;
    this.b[this.size++] = y;
  }

  /** The hash index of every pair so far, from the in-order mode. */
  private index(): void {
    this.run = null;
    this.capacity = 1 << 16;
    while (this.size * 2 >= this.capacity) this.capacity *= 2;
    this.table = new Int32Array(this.capacity * 2);
    const mask = this.capacity - 1;
    for (let e = 0; e < this.size; e++) this.place(this.table, mask, e + 1, hashPair(this.a[e], this.b[e]));
  }

  private grow(): void {
    const old = this.table!;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.table = new Int32Array(this.capacity * 2);
    const mask = this.capacity - 1;
    for (let s = 0; s < oldCapacity; s++) if (old[2 * s] !== 0) this.place(this.table, mask, old[2 * s], old[2 * s + 1]);
  }

  private place(table: Int32Array, mask: number, entry: number, h: number): void {
    let at = h & mask;
    while (table[2 * at] !== 0) at = (at + 1) & mask;
    table[2 * at] = entry;
    table[2 * at + 1] = h;
  }
}
