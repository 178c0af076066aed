import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { API_ROUTES } from '../../server/http/openapi/api-routes.js';
import { testServer } from '../support/services.js';

// A wrong method on a path the server serves was answered 404 "no route", as if the path did not exist.

let s: Awaited<ReturnType<typeof testServer>>;
before(async () => {
  s = await testServer();
});
after(() => s.close());

interface Answer {
  status: number;
  type: string;
  allow: string | null;
  body: { status: number; errors: { path: string; message: string }[] };
}

async function call(method: string, path: string): Promise<Answer> {
  const res = await fetch(`${s.url}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', allow: res.headers.get('allow'), body: (await res.json()) as Answer['body'] };
}

test('a wrong method on a served path is a 405 problem naming the methods in Allow', async () => {
  const cases: [string, string, string][] = [
    ['DELETE', '/health', 'GET, HEAD'],
    // The online endpoint's GET goes past its fast path to express, which answers it.
    ['GET', '/get-online-features', 'POST'],
    ['GET', '/push', 'POST'],
    ['PATCH', '/api/v1/training-datasets/x', 'GET, HEAD, DELETE'],
    ['PUT', '/api/v1/training-datasets', 'GET, HEAD, POST'],
  ];
  for (const [method, path, allow] of cases) {
    const res = await call(method, path);
    assert.equal(res.status, 405, `${method} ${path}: ${JSON.stringify(res.body)}`);
    assert.match(res.type, /^application\/problem\+json/);
    assert.equal(res.allow, allow, `${method} ${path}`);
    assert.equal(res.body.status, 405);
    assert.deepEqual(res.body.errors, [{ path: '(method)', message: `one of ${allow}` }]);
  }
});

test('every documented route answers a method it does not take with a 405 whose Allow lists its own', async () => {
  for (const route of API_ROUTES) {
    const path = route.path.replace(/:[^/]+/g, 'x');
    const res = await call('PUT', path);
    assert.equal(res.status, 405, `PUT ${path}`);
    assert.ok(res.allow?.split(', ').includes(route.method.toUpperCase()), `${route.method} ${route.path}: Allow ${res.allow}`);
  }
});

test('a path no route serves stays a 404', async () => {
  const res = await call('DELETE', '/api/v1/nothing-here');
  assert.equal(res.status, 404);
  assert.equal(res.allow, null);
  assert.match(res.type, /^application\/problem\+json/);
});

test('a worker serves /health only: other paths of the API are 404s there, not 405s', async () => {
  const worker = await testServer({ role: 'worker' });
  try {
    const res = await fetch(`${worker.url}/api/v1/training-datasets`, { method: 'PUT' });
    assert.equal(res.status, 404);
    const health = await fetch(`${worker.url}/health`, { method: 'POST' });
    assert.equal(health.status, 405);
    assert.equal(health.headers.get('allow'), 'GET, HEAD');
  } finally {
    await worker.close();
  }
});
