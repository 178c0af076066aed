/**
 * A token bucket per identity: `perMinute` requests a minute on average, bursts up to `perMinute`.
 * Buckets that are full again are forgotten, so the map holds only identities active this minute.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** 0 when `who` may go on (a token is spent), else the seconds until a token is back. */
  take(who: string): number {
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(who) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(who, b);
      if (this.buckets.size > 10_000) this.sweep(now, rate);
      return 0;
    }
    this.buckets.set(who, b);
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }

  private sweep(now: number, rate: number): void {
    for (const [who, b] of this.buckets) if (b.tokens + (now - b.at) * rate >= this.perMinute) this.buckets.delete(who);
  }
}
