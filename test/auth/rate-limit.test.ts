import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testServer } from '../support/services.js';

let s: Awaited<ReturnType<typeof testServer>>;
const tokens: Record<string, string> = {};

before(async () => {
  s = await testServer({ rateLimitPerMinute: 2 });
  for (const name of ['a', 'b']) tokens[name] = (await s.services.keys.create({ name, roles: ['admin'], expiresAt: null, createdBy: 'test' })).token;
});
after(() => s?.close());

const materialize = (who: string) =>
  fetch(`${s.url}/api/v1/feature-views/nope/materialize`, { method: 'POST', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' }, body: '{}' });

test('expensive endpoints: a token bucket per identity; the third request in a minute is a 429 with Retry-After; others are not held up', async () => {
  assert.equal((await materialize('a')).status, 404);
  assert.equal((await materialize('a')).status, 404);
  const limited = await materialize('a');
  assert.equal(limited.status, 429);
  // 2 a minute: a token comes back every 30 s of the (fixed) clock.
  assert.equal(limited.headers.get('retry-after'), '30');
  assert.equal(((await limited.json()) as { type: string }).type, '/problems/rate_limited');
  assert.equal((await materialize('b')).status, 404, 'another identity has its own bucket');
  assert.equal((await fetch(`${s.url}/api/v1/keys`, { headers: { authorization: `Bearer ${tokens.a}` } })).status, 200, 'cheap endpoints are not limited');
  s.services.clock.set(s.services.clock.now() + 30_000);
  assert.equal((await materialize('a')).status, 404, 'a token is back after Retry-After');
});
