import assert from 'node:assert/strict';
import type { ApiKeyRecord, AuditEntry } from '../../server/registry/auth-store.js';
import { registryTest } from './registry-backends.js';

const key = (id: string, at: number): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  roles: ['reader', 'writer'],
  salt: Buffer.from([1, 2, 3, 0, 255]),
  hash: Buffer.alloc(32, id.charCodeAt(0)),
  createdAt: at,
  createdBy: 'cli',
  expiresAt: at + 1000,
  revokedAt: null,
});

const entry = (n: number, actor = 'key:aaaaaaaaaaaa (ci)'): AuditEntry => ({ at: 1000 + n, actor, action: 'POST /push', resource: `source:s${n}`, outcome: 'ok', status: 200, detail: `rows=${n}` });

/** The auth store contract (server/registry/auth-store.ts), run against every registry backend. */
export function authStoreContract(): void {
  const suite = 'auth store';

  registryTest(suite, 'keys: created once, read back byte for byte by another process, revoked once, still listed', async ({ registry, another }) => {
    const a = registry.auth;
    assert.equal(await a.anyKey(), false);
    await a.createKey(key('aaaaaaaaaaaa', 5));
    await a.createKey(key('bbbbbbbbbbbb', 6));
    await assert.rejects(a.createKey(key('aaaaaaaaaaaa', 7)), { code: 'conflict' });
    const b = (await another()).auth;
    assert.equal(await b.anyKey(), true);
    assert.deepEqual(await b.key('aaaaaaaaaaaa'), key('aaaaaaaaaaaa', 5));
    assert.equal(await b.key('cccccccccccc'), null);
    assert.equal(await b.revokeKey('aaaaaaaaaaaa', 50), true);
    assert.equal(await a.revokeKey('aaaaaaaaaaaa', 60), true, 'revoking twice keeps the first time');
    assert.equal(await a.revokeKey('cccccccccccc', 60), false);
    assert.deepEqual(
      (await a.keys()).map((k) => [k.id, k.revokedAt]),
      [
        ['aaaaaaaaaaaa', 50],
        ['bbbbbbbbbbbb', null],
      ],
    );
  });

  registryTest(suite, 'permissions are replaced as a whole, in order', async ({ registry, another }) => {
    const first = [
      { name: 'readers', roles: ['reader'], actions: ['READ' as const] },
      { name: 'writers', roles: ['writer'], types: ['feature_view' as const], namePatterns: ['driver_.*'] },
    ];
    await registry.auth.replacePermissions(first);
    assert.deepEqual(await (await another()).auth.permissions(), first);
    await registry.auth.replacePermissions([first[1]]);
    assert.deepEqual(await registry.auth.permissions(), [first[1]]);
    await registry.auth.replacePermissions([]);
    assert.deepEqual(await registry.auth.permissions(), []);
  });

  registryTest(suite, 'the audit log lists newest first, pages and filters by actor', async ({ registry }) => {
    await registry.auth.appendAudit([entry(1), entry(2), entry(3, 'anonymous')]);
    await registry.auth.appendAudit([]);
    const all = await registry.auth.audit({ limit: 10 });
    assert.deepEqual(
      all.map(({ id: _, ...rest }) => rest),
      [entry(3, 'anonymous'), entry(2), entry(1)],
    );
    assert.deepEqual(
      (await registry.auth.audit({ limit: 10, beforeId: all[0].id })).map((e) => e.detail),
      ['rows=2', 'rows=1'],
    );
    assert.deepEqual(
      (await registry.auth.audit({ limit: 1, actor: 'key:aaaaaaaaaaaa (ci)' })).map((e) => e.detail),
      ['rows=2'],
    );
  });
}
