/**
 * The ids logged most recently, up to `capacity` (oldest forgotten first): a request retried after a
 * timeout or a 503 finds its ids here and is not logged twice. Bounded, so a retry older than the
 * last `capacity` predictions is logged again (documented in docs/prediction-logs.md).
 *
 * Ids are UUIDs (36 characters, either case), held as their 128 bits in typed arrays: a ring in order
 * of arrival and an open-addressing hash table of ring slots. A `Set` of a million id strings cost
 * about 4 µs per add (more than the rest of an append) and kept a million strings for every full
 * garbage collection to mark; here an add is a few array reads and writes and nothing for the GC.
 */
export class RecentIds {
  /** The ids in order of arrival, four 32-bit words each; once full, slot `next` holds the oldest. */
  private ring = new Uint32Array(0);
  /** Ring slots in use (at most `capacity`). */
  private slots = 0;
  private next = 0;
  /** Linear probing; an entry is a ring slot + 1, 0 is empty. Kept at most half full. */
  private table = new Int32Array(0);
  private mask = -1;
  private live = 0;
  private readonly key = new Uint32Array(4);

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    if (this.capacity <= 0 || this.live === 0) return false;
    this.parse(id);
    return this.find(this.key, 0) >= 0;
  }

  add(id: string): void {
    if (this.capacity <= 0) return;
    this.parse(id);
    if (this.live > 0 && this.find(this.key, 0) >= 0) return;
    const slot = this.next;
    if (this.slots < this.capacity) {
      if (this.slots * 4 === this.ring.length) this.grow();
      this.slots++;
    } else {
      // The oldest id goes, unless it was removed since (its write failed) or re-added in a newer slot.
      const at = this.find(this.ring, slot * 4);
      if (at >= 0 && this.table[at] === slot + 1) this.delete(at);
    }
    const { ring, key } = this;
    ring[slot * 4] = key[0];
    ring[slot * 4 + 1] = key[1];
    ring[slot * 4 + 2] = key[2];
    ring[slot * 4 + 3] = key[3];
    this.insert(slot);
    this.next = (slot + 1) % this.capacity;
  }

  /** Forgets ids whose write failed: their retry must be logged. */
  remove(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.live === 0) return;
      this.parse(id);
      const at = this.find(this.key, 0);
      if (at >= 0) this.delete(at);
    }
  }

  get size(): number {
    return this.live;
  }

  /** The id's 32 hex digits into `key` (dashes skipped; `| 0x20` folds upper case onto lower). */
  private parse(id: string): void {
    let word = 0;
    let digits = 0;
    let w = 0;
    for (let i = 0; i < id.length && w < 4; i++) {
      const c = id.charCodeAt(i) | 0x20;
      if (c === 0x2d) continue;
      word = (word << 4) | (c <= 0x39 ? c - 0x30 : c - 0x57);
      if (++digits === 8) {
        this.key[w++] = word;
        word = 0;
        digits = 0;
      }
    }
    for (; w < 4; w++) this.key[w] = 0;
  }

  private home(words: Uint32Array, at: number): number {
    let h = Math.imul(words[at], 0x9e3779b1) ^ words[at + 1];
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ words[at + 2];
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ words[at + 3];
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.mask;
  }

  /** The table index holding the id at `words[at..at + 4]`, or -1. */
  private find(words: Uint32Array, at: number): number {
    const { ring, table, mask } = this;
    for (let i = this.home(words, at); ; i = (i + 1) & mask) {
      const entry = table[i];
      if (entry === 0) return -1;
      const r = (entry - 1) * 4;
      if (ring[r] === words[at] && ring[r + 1] === words[at + 1] && ring[r + 2] === words[at + 2] && ring[r + 3] === words[at + 3]) return i;
    }
  }

  private insert(slot: number): void {
    let i = this.home(this.ring, slot * 4);
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
    this.live++;
  }

  /** Empties table index `i`, shifting later entries of its probe run back (no tombstones). */
  private delete(i: number): void {
    const { table, mask } = this;
    this.live--;
    let hole = i;
    let j = i;
    for (;;) {
      table[hole] = 0;
      for (;;) {
        j = (j + 1) & mask;
        if (table[j] === 0) return;
        const k = this.home(this.ring, (table[j] - 1) * 4);
        // An entry whose home lies cyclically in (hole, j] is still reachable; any other moves back.
        if (hole <= j ? hole < k && k <= j : hole < k || k <= j) continue;
        break;
      }
      table[hole] = table[j];
      hole = j;
    }
  }

  /** Doubles the ring (up to `capacity`) and rebuilds the table at twice the ring's size. */
  private grow(): void {
    const slots = Math.min(this.capacity, Math.max(1024, this.slots * 2));
    const ring = new Uint32Array(slots * 4);
    ring.set(this.ring);
    const old = this.table;
    let size = 2;
    while (size < slots * 2) size *= 2;
    this.ring = ring;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.live = 0;
    for (const entry of old) if (entry !== 0) this.insert(entry - 1);
  }
}
