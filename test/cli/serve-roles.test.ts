import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../server/paths.js';
import { writeSampleData } from '../../server/sample-data/write-sample-data.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

test('--role api answers HTTP and never runs a pipeline; --role worker runs them and answers /health only (one data dir, the embedded stores)', async () => {
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  const definitions = path.join(dir, 'definitions');
  fs.mkdirSync(definitions);
  fs.copyFileSync(path.join(packageRoot(), 'feature-definitions', 'customers.yaml'), path.join(definitions, 'customers.yaml'));
  writeSampleData(definitions, Date.now());
  const start = async (role: string) => {
    const port = await freePort();
    const child = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', definitions], { TESSERA_ROLE: role, TESSERA_LEASE_MS: '1000' });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`the ${role} process`, 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(child));
    return { url, child };
  };
  const api = await start('api');
  let worker: Awaited<ReturnType<typeof start>> | null = null;
  try {
    // The api process alone: a queued run stays queued, whatever the time it is given.
    const queued = await requestJson(`${api.url}/api/v1/feature-views/customer_profile/materialize`, 'POST', {});
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const health = (await requestJson(`${api.url}/health`)).body;
    assert.deepEqual([health.role, health.scheduler], ['api', 'another process']);
    assert.equal((await requestJson(`${api.url}/api/v1/runs/${queued.body.runId}`)).body.status, 'queued');

    worker = await start('worker');
    const done = await waitFor('the worker to run it', 120_000, async () => {
      const run = (await requestJson(`${api.url}/api/v1/runs/${queued.body.runId}`)).body;
      return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
    });
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.ok(done.rowsOut > 0);
    const workerHealth = (await requestJson(`${worker.url}/health`)).body;
    assert.deepEqual([workerHealth.role, workerHealth.scheduler, workerHealth.status], ['worker', 'this process', 'ok']);
    // A worker serves nothing but /health: the catalog and the online endpoint are the api's.
    for (const [method, route] of [
      ['GET', '/api/v1/feature-views'],
      ['POST', '/get-online-features'],
    ]) {
      const answer = await requestJson(`${worker.url}${route}`, method, method === 'POST' ? { features: ['customer_profile:age'], entities: { customer_id: ['C0001'] } } : undefined);
      assert.equal(answer.status, 404, `${method} ${route}`);
    }
    assert.doesNotMatch(api.child.output(), /now runs the scheduler and pipelines/);
  } finally {
    for (const p of [api, worker]) {
      if (!p) continue;
      const exited = new Promise((resolve) => p.child.once('exit', resolve));
      p.child.kill('SIGTERM');
      assert.equal(await exited, 0, p.child.output().slice(-2000));
    }
  }
});
