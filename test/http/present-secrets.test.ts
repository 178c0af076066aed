import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Source } from '../../server/domain/source.js';
import { presentSource, presentVersion } from '../../server/http/present.js';

test('a credential header stored in clear by an older registry is not shown; references and other headers are', () => {
  // Applied before credential headers had to be references: the schema now refuses this, a stored one stays.
  const legacy = {
    name: 'api',
    type: 'http',
    url: 'https://api.example.com/x',
    format: 'json',
    timeoutMs: 1000,
    retries: 0,
    timestampField: 'ts',
    headers: { Authorization: 'Bearer old-secret', 'X-Api-Key': { env: 'API_KEY' }, Accept: 'application/json' },
  } as unknown as Source;
  const shown = presentSource({ name: 'api', spec: legacy, createdAt: 0, updatedAt: 0 });
  assert.ok(!JSON.stringify(shown).includes('old-secret'));
  assert.deepEqual((shown as { headers: unknown }).headers, {
    Authorization: '(hidden: a credential in clear, applied before credentials had to be {env: NAME} references)',
    'X-Api-Key': { env: 'API_KEY' },
    Accept: 'application/json',
  });
  const version = presentVersion({
    view: 'v',
    version: 1,
    definition: { entities: [], source: legacy, features: [] },
    fingerprint: 'f',
    reason: 'apply',
    fittedState: null,
    fittedAt: null,
    createdAt: 0,
  });
  assert.ok(!JSON.stringify(version).includes('old-secret'));
  // What runs use is untouched: only the presentation hides it.
  assert.equal((legacy as { headers: Record<string, unknown> }).headers.Authorization, 'Bearer old-secret');
});
