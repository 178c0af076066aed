import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * API keys: `tsk_<id>_<secret>`, 12 hex characters of id (looked up, shown in lists and the audit log)
 * and 43 base64url characters of secret (256 bits). Only a salted scrypt hash of the secret is stored.
 */
const KEY_PATTERN = /^tsk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** scrypt's cost: N=2^14, r=8 (~16 MiB, tens of ms): a stolen hash table resists guessing. */
const SCRYPT = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

export interface ParsedKey {
  id: string;
  secret: string;
}

/** The id and secret of a token that looks like a Tessera key, else null. */
export function parseApiKey(token: string): ParsedKey | null {
  const m = KEY_PATTERN.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

export function newApiKey(): { token: string; id: string; secret: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `tsk_${id}_${secret}`, id, secret };
}

export function hashSecret(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function newHash(secret: string): Promise<{ salt: Buffer; hash: Buffer }> {
  const salt = randomBytes(16);
  return { salt, hash: await hashSecret(secret, salt) };
}

/**
 * Whether `secret` hashes to `expected` under `salt`, in constant time. With no stored key (an unknown
 * id) pass null: the same scrypt runs against a decoy, so an unknown id takes as long as a wrong secret
 * and the answer's timing does not tell which ids exist.
 */
export async function secretMatches(secret: string, stored: { salt: Buffer; hash: Buffer } | null, decoy: { salt: Buffer; hash: Buffer }): Promise<boolean> {
  const against = stored ?? decoy;
  const actual = await hashSecret(secret, against.salt);
  const same = actual.length === against.hash.length && timingSafeEqual(actual, against.hash);
  return stored !== null && same;
}
