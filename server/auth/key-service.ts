import { timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { notFound, validationError } from '../errors.js';
import type { ApiKeyRecord, AuthStore } from '../registry/auth-store.js';
import { newApiKey, newHash, parseApiKey, secretMatches } from './api-key.js';
import type { Identity } from './identity.js';
import { type Verdict, VerifiedKeys, identityAt } from './verified-keys.js';

/** A key as lists show it: never its hash or salt. */
export interface KeyInfo {
  id: string;
  name: string;
  roles: string[];
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

export function keyInfo(k: ApiKeyRecord): KeyInfo {
  return { id: k.id, name: k.name, roles: k.roles, createdAt: k.createdAt, createdBy: k.createdBy, expiresAt: k.expiresAt, revokedAt: k.revokedAt };
}

const REFUSED: Verdict = { identity: null, keyId: null, hash: null, expiresAt: null };

/**
 * Creates, verifies, lists and revokes API keys. Verifying costs a scrypt (tens of ms, on purpose), so
 * verdicts are remembered for `cacheMs` (verified-keys.ts): a request with a known token pays one
 * SHA-256 and a map lookup, synchronously (`cached`). Past half its time a good verdict is re-checked
 * in the background by reading the key's record (revoked? expired? still the hash the secret
 * matched?), with no scrypt, so a busy key never waits and never pays a scrypt again. A revocation made
 * by this process takes effect at once; one made by another process within `cacheMs`.
 */
export class KeyService {
  private readonly verified: VerifiedKeys;
  private decoy: Promise<{ salt: Buffer; hash: Buffer }> | null = null;
  /** Told when a key was created (the auth gate turns authentication on at once). */
  onCreated: () => void = () => {};

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    cacheMs: number,
  ) {
    this.verified = new VerifiedKeys(cacheMs);
  }

  async create(input: { name: string; roles: string[]; expiresAt: number | null; createdBy: string }): Promise<{ token: string; key: KeyInfo }> {
    if (input.expiresAt !== null && input.expiresAt <= this.clock.now()) throw validationError('the key would have expired already', [{ path: 'expiresAt', message: 'must be in the future' }]);
    const { token, id, secret } = newApiKey();
    const { salt, hash } = await newHash(secret);
    const record: ApiKeyRecord = { id, name: input.name, roles: input.roles, salt, hash, createdAt: this.clock.now(), createdBy: input.createdBy, expiresAt: input.expiresAt, revokedAt: null };
    await this.store.createKey(record);
    this.onCreated();
    return { token, key: keyInfo(record) };
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.store.keys()).map(keyInfo);
  }

  async revoke(id: string): Promise<void> {
    if (!(await this.store.revokeKey(id, this.clock.now()))) throw notFound('API key', id, 'id');
    this.verified.clear();
  }

  /**
   * The identity a token stands for when a verdict on it is fresh: the identity, null (refused), or
   * undefined when only `verify` can tell. Synchronous: the online path's hit costs no promise.
   */
  cached(token: string): Identity | null | undefined {
    if (this.verified.ttlMs <= 0) return undefined;
    const now = this.clock.now();
    const digest = this.verified.digest(token);
    const e = this.verified.entry(digest);
    if (!e || !this.verified.fresh(e, now)) return undefined;
    if (e.keyId !== null && e.hash !== null && this.verified.ageing(e, now) && !this.verified.inFlight(digest)) {
      const { keyId, hash } = e;
      // Failures are the next request's to meet: once the verdict expires, `verify` re-checks in the foreground.
      this.verified.once(digest, now, () => this.recheck(keyId, hash, now)).catch(() => undefined);
    }
    return identityAt(e, now);
  }

  /** The identity a bearer token that looks like a key stands for, or null (unknown, wrong, expired, revoked). */
  async verify(token: string): Promise<Identity | null> {
    const hit = this.cached(token);
    if (hit !== undefined) return hit;
    const now = this.clock.now();
    const digest = this.verified.digest(token);
    const e = this.verified.entry(digest);
    // A token that checked out before needs only its record read again; any other pays the scrypt.
    if (e && e.keyId !== null && e.hash !== null) {
      const { keyId, hash } = e;
      return this.verified.once(digest, now, () => this.recheck(keyId, hash, now));
    }
    return this.verified.once(digest, now, () => this.check(token, now));
  }

  private async check(token: string, now: number): Promise<Verdict> {
    const parsed = parseApiKey(token);
    if (!parsed) return REFUSED;
    const record = await this.store.key(parsed.id);
    this.decoy ??= newHash('decoy');
    const ok = await secretMatches(parsed.secret, record, await this.decoy);
    return ok && record ? verdictOf(record, now) : REFUSED;
  }

  /** A token verified against `hash` is still good iff its record still has that hash and is neither revoked nor expired. */
  private async recheck(keyId: string, hash: Buffer, now: number): Promise<Verdict> {
    const record = await this.store.key(keyId);
    if (!record || record.hash.length !== hash.length || !timingSafeEqual(record.hash, hash)) return REFUSED;
    return verdictOf(record, now);
  }
}

function verdictOf(record: ApiKeyRecord, now: number): Verdict {
  if (record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return REFUSED;
  return { identity: { subject: `key:${record.id}`, name: record.name, kind: 'key', roles: record.roles }, keyId: record.id, hash: record.hash, expiresAt: record.expiresAt };
}
