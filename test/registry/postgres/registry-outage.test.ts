import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../../server/paths.js';
import { writeSampleData } from '../../../server/sample-data/write-sample-data.js';
import { POSTGRES_SKIP, TEST_POSTGRES_URL, createTestDatabase } from '../../support/postgres.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../../support/spawn-server.js';
import { startTcpProxy } from '../../support/tcp-proxy.js';
import { tempDir } from '../../support/temp-dir.js';

const TIMEOUT_MS = 2_000;

/** A test database reached through a proxy the test can cut, and a server on the customers definitions using it as its registry. */
async function serverBehindProxy() {
  const database = await createTestDatabase();
  const target = new URL(TEST_POSTGRES_URL!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const through = new URL(database.url);
  through.host = `127.0.0.1:${proxy.port}`;
  const dir = tempDir();
  const definitions = path.join(dir, 'definitions');
  fs.mkdirSync(definitions);
  fs.copyFileSync(path.join(packageRoot(), 'feature-definitions', 'customers.yaml'), path.join(definitions, 'customers.yaml'));
  writeSampleData(definitions, Date.now());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServe(['--port', String(port), '--data-dir', path.join(dir, 'data'), '--definitions', definitions, '--registry-url', through.toString()], {
    TESSERA_REGISTRY_TIMEOUT_MS: String(TIMEOUT_MS),
  });
  // Listened for from the start: a server that exits early (a failure) must not leave a later wait hanging.
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  return { database, target, proxy, url, server, exited };
}

test('the registry lost under a running server: 503 problem documents within the timeout, /health names it, and the server recovers by itself', { skip: POSTGRES_SKIP ?? false }, async () => {
  const { database, target, proxy, url, server, exited } = await serverBehindProxy();
  try {
    await waitFor('the server', 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
    const materialized = await requestJson(`${url}/api/v1/feature-views/customer_profile/materialize?wait=true`, 'POST', {}, 120_000);
    assert.equal(materialized.body.status, 'succeeded', JSON.stringify(materialized.body));
    const onlineRequest = { features: ['customer_profile:age', 'customer_profile:tier'], entities: { customer_id: ['C0001', 'C0002'] } };
    const online = await requestJson(`${url}/get-online-features`, 'POST', onlineRequest);
    assert.equal(online.status, 200);

    await proxy.cut();
    // /health says which store failed; the online store still answers.
    const health = await waitFor(
      '/health to see the registry gone',
      30_000,
      async () => {
        const h = await requestJson(`${url}/health`, 'GET', undefined, 30_000);
        return h.status === 503 ? h : undefined;
      },
      exitedWith(server),
    );
    assert.equal(health.body.status, 'unavailable');
    assert.equal(health.body.checks.onlineStore, 'ok');
    assert.match(health.body.checks.registry, new RegExp(`^the registry \\(postgres://${target.username}@127\\.0\\.0\\.1:\\d+/tessera_test_[0-9a-f]+\\) does not answer: `));
    // A request that needs the registry gets a problem document, well within a bounded time.
    const started = Date.now();
    const runs = await requestJson(`${url}/api/v1/runs`, 'GET', undefined, 30_000);
    assert.ok(Date.now() - started < TIMEOUT_MS * 3, `answered in ${Date.now() - started} ms`);
    assert.equal(runs.status, 503);
    assert.equal(runs.body.status, 503);
    assert.match(runs.body.type, /unavailable/);
    assert.match(runs.body.detail, /the registry .* does not answer/);
    // Serving from memory and the online store goes on.
    assert.deepEqual(await requestJson(`${url}/get-online-features`, 'POST', onlineRequest), online);

    await proxy.restore();
    await waitFor('the server to recover', 120_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
    const after = await requestJson(`${url}/api/v1/runs`);
    assert.equal(after.status, 200);
    assert.deepEqual(
      after.body.runs.map((r: { id: number; status: string }) => [r.id, r.status]),
      [[materialized.body.id, 'succeeded']],
    );
  } finally {
    server.kill('SIGTERM');
    const code = await exited;
    await proxy.close();
    await database.drop();
    assert.equal(code, 0, server.output().slice(-3000));
  }
});

test('SIGTERM while the registry is cut off: the server still exits, with code 0', { skip: POSTGRES_SKIP ?? false }, async () => {
  const { database, proxy, url, server, exited } = await serverBehindProxy();
  try {
    await waitFor('the server', 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(server));
    const materialized = await requestJson(`${url}/api/v1/feature-views/customer_profile/materialize?wait=true`, 'POST', {}, 120_000);
    assert.equal(materialized.body.status, 'succeeded', JSON.stringify(materialized.body));
    await proxy.cut();
    await waitFor('/health to see the registry gone', 120_000, async () => ((await requestJson(`${url}/health`, 'GET', undefined, 30_000)).status === 503 ? true : undefined), exitedWith(server));
    server.kill('SIGTERM');
    // The proxy stays cut: a server that waited for its registry socket to close would never exit.
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 30_000).unref())]);
    assert.equal(code, 0, server.output().slice(-3000));
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await exited;
    await proxy.close();
    await database.drop();
  }
});
