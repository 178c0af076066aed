import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
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

/** A request with the headers exactly as given (a flat list, as rawHeaders: duplicates kept). */
function send(method: string, path: string, headers: string[], body = ''): Promise<{ status: number; type: string; body: { errors?: { path: string; message: string }[] } }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, s.url);
    // A list of headers is sent as is: Node adds neither Host nor Content-Length to it.
    const all = ['host', url.host, 'content-length', String(Buffer.byteLength(body)), ...headers];
    const req = http.request(url, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

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
      assert.equal(res.status, 400, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.match(res.type, /^application\/problem\+json/);
      assert.deepEqual(res.body.errors, [{ path: '(header) authorization', message: 'sent 2 times' }]);
    }
  }
});

test('one Authorization header is read as before', async () => {
  const expected = [200, 404, 422];
  for (const [i, [method, path, body]] of CALLS.entries()) {
    const res = await send(method, path, ['content-type', 'application/json', 'authorization', `Bearer ${admin}`], body);
    assert.equal(res.status, expected[i], `${method} ${path}: ${JSON.stringify(res.body)}`);
  }
});
