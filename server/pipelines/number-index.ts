/**
 * number -> dense slot, an open-addressing table on typed arrays: a million lookups cost a fraction
 * of a Map's. For the run's latest-row index when the entity key is one int64.
 */
export class NumberIndex {
  private keys: Float64Array;
  private slots: Int32Array;
  private mask: number;
  size = 0;
  private readonly scratch = new Float64Array(1);
  private readonly words = new Int32Array(this.scratch.buffer);

  constructor(capacity = 1024) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  /** The key's slot, or -1. */
  get(key: number): number {
    for (let i = this.hash(key); ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot < 0 || this.keys[i] === key) return slot;
    }
  }

  /** The key's slot, giving it the next one (`size` before the call) when new. */
  getOrAdd(key: number): number {
    if (this.size * 2 >= this.slots.length) this.grow();
    for (let i = this.hash(key); ; i = (i + 1) & this.mask) {
      const slot = this.slots[i];
      if (slot < 0) {
        this.keys[i] = key;
        this.slots[i] = this.size;
        return this.size++;
      }
      if (this.keys[i] === key) return slot;
    }
  }

  private hash(key: number): number {
    this.scratch[0] = key;
    let h = this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.mask;
  }

  private grow(): void {
    const keys = this.keys;
    const slots = this.slots;
    this.keys = new Float64Array(keys.length * 2);
    this.slots = new Int32Array(slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] < 0) continue;
      let j = this.hash(keys[i]);
      while (this.slots[j] >= 0) j = (j + 1) & this.mask;
      this.keys[j] = keys[i];
      this.slots[j] = slots[i];
    }
  }
}
