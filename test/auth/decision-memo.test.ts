import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecisionMemo } from '../../server/auth/decision-memo.js';
import type { Identity } from '../../server/auth/identity.js';
import type { Permission } from '../../server/domain/permission.js';
import type { Catalog } from '../../server/registry/catalog.js';

const reader: Identity = { subject: 'key:1', name: 'r', kind: 'key', roles: ['reader'] };
const other: Identity = { subject: 'key:2', name: 'o', kind: 'key', roles: ['other'] };
const perms = (): Permission[] => [{ name: 'p', types: ['feature_service'], namePatterns: ['drv_.*'], requiredTags: {}, actions: ['READ_ONLINE'], roles: ['reader'] }];

test('a decision is made once per (roles, action, resource) while the permissions and catalog are the same objects', () => {
  const memo = new DecisionMemo();
  const permissions = perms();
  const catalog = {} as Catalog;
  let made = 0;
  const decide = (answer: boolean) => () => {
    made++;
    return answer;
  };
  const svc = { type: 'feature_service', name: 'drv_a' } as const;
  assert.equal(memo.decide(reader, 'READ_ONLINE', svc, permissions, catalog, decide(true)), true);
  assert.equal(memo.decide(reader, 'READ_ONLINE', svc, permissions, catalog, decide(false)), true, 'remembered');
  assert.equal(made, 1);
  // Another role set, action or resource is decided on its own.
  assert.equal(memo.decide(other, 'READ_ONLINE', svc, permissions, catalog, decide(false)), false);
  assert.equal(memo.decide(reader, 'READ_OFFLINE', svc, permissions, catalog, decide(false)), false);
  assert.equal(memo.decide(reader, 'READ_ONLINE', { type: 'feature_service', name: 'other' }, permissions, catalog, decide(false)), false);
  assert.equal(made, 4);
  // New permissions (a refresh, an apply) or a new catalog: decided again.
  assert.equal(memo.decide(reader, 'READ_ONLINE', svc, perms(), catalog, decide(false)), false);
  assert.equal(memo.decide(reader, 'READ_ONLINE', svc, perms(), {} as Catalog, decide(true)), true);
  assert.equal(made, 6);
  // Tags given with the resource are never remembered.
  const tagged = { ...svc, tags: { team: 'x' } };
  memo.decide(reader, 'READ_ONLINE', tagged, permissions, catalog, decide(true));
  memo.decide(reader, 'READ_ONLINE', tagged, permissions, catalog, decide(true));
  assert.equal(made, 8);
});
