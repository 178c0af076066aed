import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendRawHeaders } from '../support/raw-headers.js';
import { testServer } from '../support/services.js';

// Express answered OPTIONS itself: a 200 in plain text whose Allow (DELETE, GET, HEAD) was not the 405's
// list (GET, HEAD, DELETE), and held the first matching router's methods only.

const ORIGIN = 'https://console.example';
let plain: Awaited<ReturnType<typeof testServer>>;
let withCors: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  plain = await testServer();
  withCors = await testServer({ corsOrigins: [ORIGIN] });
  // Auth on: a browser's preflight carries no credentials and must still be answered.
  await withCors.services.keys.create({ name: 'admin', roles: ['admin'], expiresAt: null, createdBy: 'test' });
});
after(async () => {
  await plain?.close();
  await withCors?.close();
});

// The 405's list for each path (method-not-allowed.test.ts).
const SERVED: [string, string][] = [
  ['/health', 'GET, HEAD'],
  ['/get-online-features', 'POST'],
  ['/push', 'POST'],
  ['/api/v1/training-datasets/x', 'GET, HEAD, DELETE'],
  ['/api/v1/training-datasets', 'GET, HEAD, POST'],
];

test('OPTIONS on a served path is a 204 whose Allow lists every method the path takes', async () => {
  for (const s of [plain, withCors]) {
    for (const [path, allow] of SERVED) {
      const res = await sendRawHeaders(s.url, 'OPTIONS', path, []);
      assert.equal(res.status, 204, `OPTIONS ${path}: ${res.text}`);
      assert.equal(res.headers.allow, allow, `OPTIONS ${path}`);
      assert.equal(res.text, '');
      const wrong = await sendRawHeaders(s.url, 'PUT', path, []);
      assert.equal(wrong.headers.allow, allow, `the 405 of ${path} gives the same list`);
    }
  }
});

test('OPTIONS on a path no route serves is the 404 problem', async () => {
  for (const s of [plain, withCors]) {
    const res = await sendRawHeaders(s.url, 'OPTIONS', '/api/v1/nothing-here', []);
    assert.equal(res.status, 404, res.text);
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.headers.allow, undefined);
    assert.deepEqual(res.body.errors, [{ path: '(url)', message: 'OPTIONS /api/v1/nothing-here is not an endpoint' }]);
  }
});

test('a CORS preflight from a listed origin is answered as before, on any path', async () => {
  for (const path of ['/api/v1/training-datasets/x', '/get-online-features', '/api/v1/nothing-here']) {
    const res = await sendRawHeaders(withCors.url, 'OPTIONS', path, ['origin', ORIGIN, 'access-control-request-method', 'DELETE', 'access-control-request-headers', 'authorization']);
    assert.equal(res.status, 204, `${path}: ${res.text}`);
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(res.headers['access-control-allow-methods'], 'GET, POST, DELETE');
    assert.equal(res.headers['access-control-allow-headers'], 'Authorization, Content-Type, X-Request-Id');
    assert.equal(res.headers['access-control-max-age'], '600');
    assert.equal(res.headers.vary, 'Origin');
    assert.equal(res.headers.allow, undefined, 'the preflight is answered by cors.ts');
  }
});

test('an OPTIONS that is no preflight, or from an origin not listed, gets the Allow answer', async () => {
  const plainOptions = await sendRawHeaders(withCors.url, 'OPTIONS', '/health', ['origin', ORIGIN]);
  assert.equal(plainOptions.status, 204);
  assert.equal(plainOptions.headers.allow, 'GET, HEAD');
  assert.equal(plainOptions.headers['access-control-allow-origin'], ORIGIN);
  const stranger = await sendRawHeaders(withCors.url, 'OPTIONS', '/health', ['origin', 'https://elsewhere.example', 'access-control-request-method', 'GET']);
  assert.equal(stranger.status, 204);
  assert.equal(stranger.headers.allow, 'GET, HEAD');
  assert.equal(stranger.headers['access-control-allow-origin'], undefined);
});

test('a worker answers OPTIONS for what it serves (/health) only', async () => {
  const worker = await testServer({ role: 'worker' });
  try {
    const health = await sendRawHeaders(worker.url, 'OPTIONS', '/health', []);
    assert.equal(health.status, 204);
    assert.equal(health.headers.allow, 'GET, HEAD');
    const api = await sendRawHeaders(worker.url, 'OPTIONS', '/api/v1/training-datasets', []);
    assert.equal(api.status, 404);
    assert.match(api.type, /^application\/problem\+json/);
  } finally {
    await worker.close();
  }
});
