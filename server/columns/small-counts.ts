/**
 * Exact counts of a numeric column's values while it has at most 64 distinct ones (one-hot, ordinal,
 * bool and small integer columns). Small non-negative integers — nearly every value of such columns —
 * index an array directly; any other value goes through a small open-addressing table.
 */
export class SmallCounts {
  static readonly LIMIT = 64;
  /** Counts of the values 0..63, read and written directly by the statistics' hot loop. */
  readonly direct = new Float64Array(SmallCounts.LIMIT);
  private readonly keys = new Float64Array(128);
  private readonly counts = new Float64Array(128);
  private readonly used = new Uint8Array(128);
  private readonly scratch = new Float64Array(1);
  private readonly words = new Int32Array(this.scratch.buffer);
  size = 0;

  /** Counts a value; false once the column has more than LIMIT distinct values (then stop calling). */
  add(v: number): boolean {
    if (v >= 0 && v < SmallCounts.LIMIT && (v | 0) === v) {
      if (this.direct[v] === 0) {
        if (this.size === SmallCounts.LIMIT) return false;
        this.size++;
      }
      this.direct[v]++;
      return true;
    }
    return this.addOther(v);
  }

  /** `add` for a value that is not a small non-negative integer (-0 counts as 0). */
  addOther(v: number): boolean {
    this.scratch[0] = v;
    let slot = (this.words[0] ^ this.words[1] ^ (this.words[1] >>> 7)) & 127;
    for (;;) {
      if (this.used[slot] === 0) {
        if (this.size === SmallCounts.LIMIT) return false;
        this.used[slot] = 1;
        this.keys[slot] = v;
        this.counts[slot] = 1;
        this.size++;
        return true;
      }
      if (this.keys[slot] === v) {
        this.counts[slot]++;
        return true;
      }
      slot = (slot + 1) & 127;
    }
  }

  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let v = 0; v < SmallCounts.LIMIT; v++) if (this.direct[v] > 0) out.push([v, this.direct[v]]);
    for (let s = 0; s < 128; s++) if (this.used[s]) out.push([this.keys[s], this.counts[s]]);
    return out;
  }
}
