import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendRawHeaders } from '../support/raw-headers.js';
import { testServer } from '../support/services.js';

// Node keeps the first of several Authorization headers: a request carrying an admin key and another
// credential was served as the admin, whichever the sender (or a proxy adding its own) meant.

let s: Awaited<ReturnType<typeof testServer>>;
let admin = '';
before(async () => {
  s = await testServer();
  admin = (await s.services.keys.create({ name: 'admin', roles: ['admin'], expiresAt: null, createdBy: 'test' })).token;
});
after(() => s?.close());

const send = (method: string, path: string, headers: string[], body = '') => sendRawHeaders(s.url, method, path, headers, body);

const ONLINE = JSON.stringify({ features: ['nope:x'], entities: { driver_id: [1] } });
const PUSH = JSON.stringify({ push_source_name: 'nope', df: { driver_id: [1] } });
// Express, the online fast path and the push fast path each read the credentials.
const CALLS: [string, string, string][] = [
  ['GET', '/api/v1/keys', ''],
  ['POST', '/get-online-features', ONLINE],
  ['POST', '/push', PUSH],
];

test('two Authorization headers are a 400 problem naming the header, on every path that reads credentials', async () => {
  for (const [method, path, body] of CALLS) {
    for (const second of [`Bearer ${admin}`, 'Bearer tsk_forged']) {
      const res = await send(method, path, ['content-type', 'application/json', 'authorization', `Bearer ${admin}`, 'Authorization', second], body);
      assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
      assert.match(res.type, /^application\/problem\+json/);
      assert.deepEqual(res.body.errors, [{ path: '(header) authorization', message: 'sent 2 times' }]);
    }
  }
});

test('one Authorization header is read as before', async () => {
  const expected = [200, 404, 422];
  for (const [i, [method, path, body]] of CALLS.entries()) {
    const res = await send(method, path, ['content-type', 'application/json', 'authorization', `Bearer ${admin}`], body);
    assert.equal(res.status, expected[i], `${method} ${path}: ${res.text}`);
  }
});

test('the 400 for two Authorization headers is written to the audit log, as a 401 is', async () => {
  const before = await auditOf(400);
  for (const [method, path, body] of CALLS) {
    const res = await send(method, path, ['content-type', 'application/json', 'authorization', `Bearer ${admin}`, 'authorization', 'Bearer tsk_forged'], body);
    assert.equal(res.status, 400);
  }
  const now = await auditOf(400);
  const added = now.slice(0, now.length - before.length);
  assert.deepEqual(
    added.map((e) => [e.actor, e.action, e.outcome, e.detail]).reverse(),
    CALLS.map(([method, path]) => ['unauthenticated', `${method} ${path}`, 'unauthenticated', 'the request has 2 Authorization headers: the credentials are ambiguous; send one']),
  );
});

/** The audit entries with `status`, newest first (GET /api/v1/audit writes the queue before it reads). */
async function auditOf(status: number): Promise<{ actor: string; action: string; outcome: string; detail: string }[]> {
  const res = await fetch(`${s.url}/api/v1/audit?limit=1000`, { headers: { authorization: `Bearer ${admin}` } });
  assert.equal(res.status, 200);
  const { entries } = (await res.json()) as { entries: { actor: string; action: string; outcome: string; status: number; detail: string }[] };
  return entries.filter((e) => e.status === status);
}
