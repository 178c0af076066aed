import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseApiKey } from '../../server/auth/api-key.js';
import { KeyService } from '../../server/auth/key-service.js';
import { fixedClock, systemClock } from '../../server/clock.js';
import type { ApiKeyRecord, AuthStore } from '../../server/registry/auth-store.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import type { RegistryBackend } from '../../server/registry/registry-backend.js';
import { tempDir } from '../support/temp-dir.js';

const TTL = 10_000;

let registry: RegistryBackend;
before(async () => {
  registry = await openRegistry({ dataDir: tempDir(), clock: systemClock });
});
after(() => registry.close());

/** The registry's store, counting key reads, and optionally altering the records it returns. */
function countingStore(alter: (r: ApiKeyRecord) => ApiKeyRecord = (r) => r) {
  const reads: string[] = [];
  const store: AuthStore = Object.create(registry.auth);
  store.key = async (id: string) => {
    reads.push(id);
    const r = await registry.auth.key(id);
    return r && alter(r);
  };
  return { store, reads };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(ok(), what);
}

test('a fresh verdict answers synchronously with no store read; concurrent verifications of one token read the store once', async () => {
  const clock = fixedClock(Date.now());
  const { store, reads } = countingStore();
  const keys = new KeyService(store, clock, TTL);
  const { token, key } = await keys.create({ name: 'reader-1', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  assert.equal(keys.cached(token), undefined, 'nothing known before the first verification');
  const all = await Promise.all(Array.from({ length: 8 }, () => keys.verify(token)));
  assert.deepEqual(
    all.map((i) => i?.subject),
    Array(8).fill(`key:${key.id}`),
  );
  assert.deepEqual(reads, [key.id], 'eight requests in flight at once: one verification');
  clock.set(clock.now() + TTL / 2 - 1);
  assert.equal(keys.cached(token)?.name, 'reader-1');
  assert.deepEqual(reads, [key.id], 'a hit reads nothing');
});

test('past half its ttl a good verdict is re-checked in the background, so a busy key stays known past the ttl', async () => {
  const start = Date.now();
  const clock = fixedClock(start);
  const { store, reads } = countingStore();
  const keys = new KeyService(store, clock, TTL);
  const { token, key } = await keys.create({ name: 'busy', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  await keys.verify(token);
  clock.set(start + 6_000);
  assert.equal(keys.cached(token)?.name, 'busy', 'answered from the cache while the re-check runs');
  await until('the background re-check read the record', () => reads.length === 2);
  // Checked at 6 s: trusted until 16 s, past the first verdict's 10 s.
  clock.set(start + 15_000);
  await until('the re-checked verdict is stored', () => keys.cached(token)?.name === 'busy');
  // 15 s is past half of the 6-s verdict's ttl too: that hit started the next re-check.
  await until('the next re-check read the record', () => reads.length === 3);
  assert.deepEqual(reads, [key.id, key.id, key.id]);
});

test('a re-check runs no scrypt: it compares the stored hash the secret matched (a changed hash refuses)', async () => {
  const clock = fixedClock(Date.now());
  let alter: (r: ApiKeyRecord) => ApiKeyRecord = (r) => r;
  const { store } = countingStore((r) => alter(r));
  const keys = new KeyService(store, clock, TTL);
  const { token } = await keys.create({ name: 'k', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  await keys.verify(token);
  // A different salt with the same hash: a scrypt under it could not match, the hash comparison does.
  alter = (r) => ({ ...r, salt: Buffer.alloc(16, 7) });
  clock.set(clock.now() + TTL);
  assert.equal((await keys.verify(token))?.name, 'k');
  // The record's hash changed: the re-check refuses, and so does every request until the ttl ends.
  alter = (r) => ({ ...r, hash: Buffer.alloc(r.hash.length, 1) });
  clock.set(clock.now() + TTL);
  assert.equal(await keys.verify(token), null);
  assert.equal(keys.cached(token), null);
});

test('revocation: at once in the process that revoked; within the ttl in another; expiry at its time', async () => {
  const start = Date.now();
  const clock = fixedClock(start);
  const here = new KeyService(registry.auth, clock, TTL);
  const elsewhere = new KeyService(registry.auth, clock, TTL);
  const a = await here.create({ name: 'a', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  const b = await here.create({ name: 'b', roles: ['reader'], expiresAt: start + 3_000, createdBy: 'test' });
  for (const k of [here, elsewhere]) {
    assert.equal((await k.verify(a.token))?.name, 'a');
    assert.equal((await k.verify(b.token))?.name, 'b');
  }
  await here.revoke(a.key.id);
  assert.equal(here.cached(a.token), undefined, 'the revoking process forgot the verdict');
  assert.equal(await here.verify(a.token), null);
  assert.equal(elsewhere.cached(a.token)?.name, 'a', 'another process may still answer from its cache, within the ttl');
  clock.set(start + 3_000);
  assert.equal(elsewhere.cached(b.token), null, 'an expired key is refused at its expiry, cached or not');
  assert.equal(await elsewhere.verify(b.token), null);
  // Half the ttl: the background re-check sees the revocation.
  clock.set(start + TTL / 2);
  elsewhere.cached(a.token);
  await until('the re-check refused the revoked key', () => elsewhere.cached(a.token) === null);
  clock.set(start + TTL);
  assert.equal(await elsewhere.verify(a.token), null, 'refused at the latest when the ttl ends');
});

test('a wrong secret next to a cached good token is refused, and the refusal is cached only under its own digest', async () => {
  const clock = fixedClock(Date.now());
  const { store, reads } = countingStore();
  const keys = new KeyService(store, clock, TTL);
  const { token, key } = await keys.create({ name: 'k', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  const { secret } = parseApiKey(token)!;
  const wrong = `tsk_${key.id}_${secret.slice(0, 42)}${secret.endsWith('A') ? 'B' : 'A'}`;
  assert.equal((await keys.verify(token))?.name, 'k');
  assert.equal(await keys.verify(wrong), null);
  assert.equal(keys.cached(wrong), null);
  assert.equal(keys.cached(token)?.name, 'k');
  assert.equal(reads.length, 2);
});

test('with a ttl of 0 nothing is cached: every verification reads the store', async () => {
  const { store, reads } = countingStore();
  const keys = new KeyService(store, systemClock, 0);
  const { token } = await keys.create({ name: 'k', roles: ['reader'], expiresAt: null, createdBy: 'test' });
  await keys.verify(token);
  await keys.verify(token);
  assert.equal(keys.cached(token), undefined);
  assert.equal(reads.length, 2);
});
