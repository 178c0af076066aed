import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../server/paths.js';
import { writeSampleData } from '../../server/sample-data/write-sample-data.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir } from '../support/temp-dir.js';

// A whole run answered on one request: on a busy machine it takes far longer than a health check.
const LONG_MS = 300_000;

test('serve --workers 2: two processes share the port, one runs the scheduler, and a survivor takes over when it dies', async () => {
  const port = await freePort();
  const dir = tempDir();
  const dataDir = path.join(dir, 'data');
  // The example definitions, with their sample data generated beside them (the repository ignores it).
  const definitions = path.join(dir, 'definitions');
  fs.mkdirSync(definitions);
  for (const file of ['customers.yaml', 'drivers.yaml', 'services.yaml']) fs.copyFileSync(path.join(packageRoot(), 'feature-definitions', file), path.join(definitions, file));
  writeSampleData(definitions, Date.now());
  const url = `http://127.0.0.1:${port}`;
  const server = spawnServe(['--workers', '2', '--port', String(port), '--data-dir', dataDir, '--definitions', definitions], { TESSERA_LEASE_MS: '600' });
  try {
    // Both workers answer, on fresh connections; exactly one holds the scheduler lease.
    const seen = await waitFor(
      'two workers answering',
      30_000,
      async () => {
        const pids = new Map<number, string>();
        for (let i = 0; i < 20; i++) {
          const h = await requestJson(`${url}/health`);
          pids.set(h.body.pid, h.body.scheduler);
        }
        return pids.size === 2 && [...pids.values()].filter((s) => s === 'this process').length === 1 ? pids : undefined;
      },
      exitedWith(server),
    );
    const leader = [...seen].find(([, s]) => s === 'this process')![0];
    const materialized = await requestJson(`${url}/api/v1/feature-views/customer_profile/materialize?wait=true`, 'POST', {}, LONG_MS);
    assert.equal(materialized.body.status, 'succeeded', JSON.stringify(materialized.body));

    // Kill the lease holder outright: the primary replaces it, and some worker takes the lease over.
    process.kill(leader, 'SIGKILL');
    const next = await waitFor('a new scheduler', 60_000, async () => {
      for (let i = 0; i < 10; i++) {
        const h = await requestJson(`${url}/health`);
        if (h.body.scheduler === 'this process' && h.body.pid !== leader) return h.body.pid as number;
      }
      return undefined;
    });
    assert.notEqual(next, leader);
    const again = await requestJson(`${url}/api/v1/feature-views/customer_profile/materialize?wait=true`, 'POST', {}, LONG_MS);
    assert.equal(again.body.status, 'succeeded', JSON.stringify(again.body));
  } finally {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 0, server.output().slice(-2000));
  }
});
