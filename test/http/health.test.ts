import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from '../../server/app.js';
import type { HealthCheck } from '../../server/http/routes/health.js';
import { getJson, testServer, testServices } from '../support/services.js';

/**
 * The express app over real services, with the health checks the test gives, on an ephemeral port
 * of 127.0.0.1 (as server/server.ts builds it, minus the other layers' routers).
 */
async function appWith(healthChecks: Record<string, HealthCheck>, healthInfo?: () => Record<string, unknown>) {
  const services = await testServices();
  const app = createApp({
    logger: services.logger,
    bodyLimit: services.config.bodyLimit,
    catalog: services.catalog,
    catalogStore: services.catalogStore,
    applyService: services.applyService,
    deleteService: services.deleteService,
    healthChecks,
    healthInfo,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}

test('200 with every check when all pass, 503 naming the failing one, and back to 200 when it recovers', async () => {
  // One check is real (the registry), one fails on demand: the route must run them per request.
  let broken: Error | null = null;
  let calls = 0;
  const s = await appWith(
    {
      registry: async () => void (await s.services.catalogStore.revision()),
      disk: async () => {
        calls++;
        if (broken) throw broken;
      },
    },
    () => ({ pid: 4242, scheduler: 'another process' }),
  );
  try {
    const ok = await getJson(`${s.url}/health`);
    assert.equal(ok.status, 200);
    assert.match(ok.type, /^application\/json/);
    assert.deepEqual(ok.body, { status: 'ok', checks: { registry: 'ok', disk: 'ok' }, pid: 4242, scheduler: 'another process' });

    broken = new Error('disk is read-only');
    const failing = await getJson(`${s.url}/health`);
    assert.equal(failing.status, 503);
    // The code answers a plain JSON body here (not a problem document), so probes read the same shape.
    assert.match(failing.type, /^application\/json/);
    assert.deepEqual(failing.body, { status: 'unavailable', checks: { registry: 'ok', disk: 'disk is read-only' }, pid: 4242, scheduler: 'another process' });

    broken = null;
    const recovered = await getJson(`${s.url}/health`);
    assert.equal(recovered.status, 200);
    assert.equal(recovered.body.checks.disk, 'ok');
    assert.equal(calls, 3, 'each request runs the checks again: nothing is cached');
  } finally {
    await s.close();
  }
});

test('a check that rejects with a non-Error, among several failing, is reported as text', async () => {
  const s = await appWith({
    a: async () => {
      // Not an Error: what a careless check might throw.
      throw 'plain string';
    },
    b: () => Promise.reject(new Error('timed out')),
    c: async () => undefined,
  });
  try {
    const res = await getJson(`${s.url}/health`);
    assert.equal(res.status, 503);
    // No healthInfo given: only status and checks.
    assert.deepEqual(res.body, { status: 'unavailable', checks: { a: 'plain string', b: 'timed out', c: 'ok' } });
  } finally {
    await s.close();
  }
});

test('no checks at all is healthy', async () => {
  const s = await appWith({});
  try {
    const res = await getJson(`${s.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', checks: {} });
  } finally {
    await s.close();
  }
});

test('the server as startHttp builds it: 503 while its registry does not answer', async () => {
  const s = await testServer();
  const registry = s.services.registry;
  const ping = registry.ping;
  try {
    const ok = await getJson(`${s.url}/health`);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.checks, { registry: 'ok', onlineStore: 'ok', offlineRoot: 'ok' });
    assert.equal(ok.body.pid, process.pid);
    assert.equal(ok.body.role, 'all');

    // The registry check pings the registry: make that fail, as a locked or vanished database would.
    // (Closing the database instead would also break the test's cleanup.)
    (registry as { ping: () => Promise<void> }).ping = async () => {
      throw new Error('SQLITE_BUSY: database is locked');
    };
    const failing = await getJson(`${s.url}/health`);
    assert.equal(failing.status, 503);
    assert.equal(failing.body.status, 'unavailable');
    assert.deepEqual(failing.body.checks, { registry: 'SQLITE_BUSY: database is locked', onlineStore: 'ok', offlineRoot: 'ok' });
  } finally {
    (registry as { ping: () => Promise<void> }).ping = ping;
    await s.close();
  }
});
