import { hash } from 'node:crypto';
import type { Identity } from './identity.js';

/** What a token verified to: the identity (null: it did not check out) and the key record it matched. */
export interface Verdict {
  identity: Identity | null;
  /** The key's id and stored hash, so a re-check reads the record instead of running scrypt again. */
  keyId: string | null;
  hash: Buffer | null;
  expiresAt: number | null;
}

interface Entry extends Verdict {
  /** When the store read behind this verdict began: it is trusted until `checkedAt + ttlMs`. */
  checkedAt: number;
}

const MAX_ENTRIES = 10_000;

/**
 * Verdicts on presented tokens, keyed by the SHA-256 of the whole token (the token itself is never
 * held; SHA-256 is enough because a token carries 256 random bits, and it costs about a microsecond).
 * A verdict is trusted for `ttlMs` after the store read it rests on began, never longer: that is the
 * bound on how late a revocation made by another process takes effect. Concurrent verifications of one
 * token share one promise (`flying`), so a cache expiry under load costs one scrypt, not one per
 * request in flight. `clear` (a revocation here) also orphans the verifications in flight.
 */
export class VerifiedKeys {
  private entries = new Map<string, Entry>();
  private flying = new Map<string, Promise<Identity | null>>();
  private generation = 0;

  constructor(readonly ttlMs: number) {}

  digest(token: string): string {
    return hash('sha256', token, 'base64url');
  }

  /** The last verdict on a digest, fresh or not. */
  entry(digest: string): Entry | undefined {
    return this.entries.get(digest);
  }

  /** Whether a verdict may still be trusted at `now`. */
  fresh(e: Entry, now: number): boolean {
    return now - e.checkedAt < this.ttlMs;
  }

  /** Whether a fresh entry is past half its ttl: time to re-check it in the background. */
  ageing(e: Entry, now: number): boolean {
    return now - e.checkedAt >= this.ttlMs / 2;
  }

  inFlight(digest: string): Promise<Identity | null> | undefined {
    return this.flying.get(digest);
  }

  /**
   * Runs `work` once for a digest however many ask meanwhile, and stores its verdict (checked at
   * `checkedAt`) unless a `clear` happened since or a newer verdict is there already.
   */
  once(digest: string, checkedAt: number, work: () => Promise<Verdict>): Promise<Identity | null> {
    const pending = this.flying.get(digest);
    if (pending) return pending;
    const generation = this.generation;
    const p = work().then(
      (verdict) => {
        if (this.flying.get(digest) === p) this.flying.delete(digest);
        const current = this.entries.get(digest);
        if (this.ttlMs > 0 && generation === this.generation && (!current || current.checkedAt <= checkedAt)) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(digest, { ...verdict, checkedAt });
        }
        return verdict.identity;
      },
      (err: unknown) => {
        if (this.flying.get(digest) === p) this.flying.delete(digest);
        throw err;
      },
    );
    this.flying.set(digest, p);
    return p;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.flying.clear();
  }
}

/** The identity of a verdict at `now`: null when it did not check out or the key has expired since. */
export function identityAt(v: Verdict, now: number): Identity | null {
  return v.expiresAt !== null && v.expiresAt <= now ? null : v.identity;
}
