/**
 * The ids logged most recently, up to `capacity` (oldest forgotten first): a request retried after a
 * timeout or a 503 finds its ids here and is not logged twice. Bounded, so a retry older than the
 * last `capacity` predictions is logged again (documented in docs/prediction-logs.md).
 *
 * The order of arrival is kept in a ring of ids beside the set: forgetting the oldest is one array read
 * and one `Set.delete`. (Taking the oldest as a Set's first value instead walks past every entry deleted
 * since the set was last rehashed, which at a million ids cost more than the rest of an append.)
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly ring: (string | undefined)[] = [];
  /** Where the next id goes in the ring; once the ring is full, the oldest id is there. */
  private next = 0;

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.capacity <= 0 || this.ids.has(id)) return;
    if (this.ring.length < this.capacity) {
      this.ring.push(id);
    } else {
      // The slot may hold an id removed since (its write failed): deleting it again is harmless.
      const oldest = this.ring[this.next];
      if (oldest !== undefined) this.ids.delete(oldest);
      this.ring[this.next] = id;
    }
    this.next = (this.next + 1) % this.capacity;
    this.ids.add(id);
  }

  /** Forgets ids whose write failed: their retry must be logged. */
  remove(ids: Iterable<string>): void {
    for (const id of ids) this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
