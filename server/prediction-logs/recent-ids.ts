/**
 * The ids logged most recently, up to `capacity` (oldest forgotten first): a request retried after a
 * timeout or a 503 finds its ids here and is not logged twice. Bounded, so a retry older than the
 * last `capacity` predictions is logged again (documented in docs/prediction-logs.md).
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }

  /** Forgets ids whose write failed: their retry must be logged. */
  remove(ids: Iterable<string>): void {
    for (const id of ids) this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
