/** The low and high 32 bits of an integer-valued double, mixed (integers up to 2^53 and epoch ms). */
function mix(x: number): number {
  const lo = (x % 4294967296) | 0;
  const hi = (x / 4294967296) | 0;
  return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
}

/**
 * A set of (number, number) pairs in open addressing over typed arrays: what `uniqueKeys` needs for a
 * run's (entity key, event time) pairs, a million or more, without a string per row.
 */
export class PairSet {
  private slots = new Int32Array(1 << 16);
  private a = new Float64Array(1 << 15);
  private b = new Float64Array(1 << 15);
  private size = 0;

  /** Adds the pair; false when it was already there. */
  add(x: number, y: number): boolean {
    if (this.size * 2 >= this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    let at = (mix(x) ^ Math.imul(mix(y), 0x85ebca77)) & mask;
    for (;;) {
      const entry = this.slots[at];
      if (entry === 0) break;
      if (this.a[entry - 1] === x && this.b[entry - 1] === y) return false;
      at = (at + 1) & mask;
    }
    if (this.size === this.a.length) {
      const a = new Float64Array(this.a.length * 2);
      const b = new Float64Array(this.b.length * 2);
      a.set(this.a);
      b.set(this.b);
      this.a = a;
      this.b = b;
    }
    this.a[this.size] = x;
    this.b[this.size] = y;
    this.slots[at] = ++this.size;
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let e = 0; e < this.size; e++) {
      let at = (mix(this.a[e]) ^ Math.imul(mix(this.b[e]), 0x85ebca77)) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = e + 1;
    }
    this.slots = slots;
  }
}
