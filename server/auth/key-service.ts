import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { notFound, validationError } from '../errors.js';
import type { ApiKeyRecord, AuthStore } from '../registry/auth-store.js';
import { newApiKey, newHash, parseApiKey, secretMatches } from './api-key.js';
import type { Identity } from './identity.js';

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

interface Cached {
  identity: Identity | null;
  expiresAt: number | null;
  until: number;
}

/**
 * Creates, verifies, lists and revokes API keys. Verifying costs a scrypt (tens of ms, on purpose), so
 * a verified token is remembered for `cacheMs`, keyed by the SHA-256 of the whole token (the token
 * itself is never held): the hot path pays one hash per request. A revocation made by this process
 * takes effect at once; one made by another process within `cacheMs`.
 */
export class KeyService {
  private readonly cache = new Map<string, Cached>();
  private decoy: Promise<{ salt: Buffer; hash: Buffer }> | null = null;
  /** Told when a key was created (the auth gate turns authentication on at once). */
  onCreated: () => void = () => {};

  constructor(
    private readonly store: AuthStore,
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

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
    this.cache.clear();
  }

  /** The identity a bearer token that looks like a key stands for, or null (unknown, wrong, expired, revoked). */
  async verify(token: string): Promise<Identity | null> {
    const now = this.clock.now();
    const digest = createHash('sha256').update(token).digest('base64url');
    const hit = this.cache.get(digest);
    if (hit && hit.until > now) return hit.expiresAt !== null && hit.expiresAt <= now ? null : hit.identity;
    const identity = await this.check(token, now);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(digest, { identity: identity?.identity ?? null, expiresAt: identity?.expiresAt ?? null, until: now + this.cacheMs });
    return identity?.identity ?? null;
  }

  private async check(token: string, now: number): Promise<{ identity: Identity; expiresAt: number | null } | null> {
    const parsed = parseApiKey(token);
    if (!parsed) return null;
    const record = await this.store.key(parsed.id);
    this.decoy ??= newHash('decoy');
    const ok = await secretMatches(parsed.secret, record, await this.decoy);
    if (!ok || !record || record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return null;
    return { identity: { subject: `key:${record.id}`, name: record.name, kind: 'key', roles: record.roles }, expiresAt: record.expiresAt };
  }
}
