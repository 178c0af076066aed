import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { duckRows } from '../support/duckdb.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const ROWS = 600_000;

function csv(): string {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const base = Date.parse('2026-11-01T00:00:00Z');
  const lines = ['id,ts,a,b,c'];
  for (let i = 0; i < ROWS; i++) {
    const a = rand() < 0.05 ? '' : (rand() * 100).toFixed(3);
    lines.push(`${i % 1000},${new Date(base + Math.floor((i / ROWS) * 10 * 86_400_000)).toISOString()},${a},${(rand() * 10).toFixed(2)},k${Math.floor(rand() * 5)}`);
  }
  return `${lines.join('\n')}\n`;
}

const definitions = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'raw', type: 'csv', path: 'raw.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'things',
      entities: ['thing'],
      source: 'raw',
      features: [
        { name: 'a', type: 'float64', transforms: [{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }] },
        { name: 'b', type: 'float64', transforms: [{ scale: { method: 'minmax' } }] },
        { name: 'c', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
  ],
};

/** A server over `dataDir`, small batches and flushes so a run writes many files over a few seconds. */
async function start(defs: string, dataDir: string) {
  const port = await freePort();
  const server = spawnServe(['--port', String(port), '--data-dir', dataDir, '--definitions', defs], {
    TESSERA_LEASE_MS: '1000',
    TESSERA_BATCH_SIZE: '5000',
    TESSERA_FLUSH_ROWS: '10000',
    TESSERA_RUN_ATTEMPTS: '1',
  });
  const url = `http://127.0.0.1:${port}`;
  // Ready once it holds the scheduler lease (a killed predecessor's expires after 1 s) and has recovered.
  await waitFor('the server to lead', 120_000, async () => ((await requestJson(`${url}/health`)).body.scheduler === 'this process' ? true : undefined), exitedWith(server));
  return { server, url };
}

function offlineFiles(dataDir: string): string[] {
  const dir = path.join(dataDir, 'offline');
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
}

async function crashDuring(defs: string, dataDir: string, moment: 'reading' | 'writing'): Promise<number> {
  const { server, url } = await start(defs, dataDir);
  const queued = await requestJson(`${url}/api/v1/feature-views/things/materialize`, 'POST', {});
  assert.equal(queued.status, 202, JSON.stringify(queued.body));
  await waitFor(
    `the run ${moment}`,
    // A failure bound only: under a loaded machine reading the first batches can take long.
    120_000,
    async () => {
      const run = (await requestJson(`${url}/api/v1/runs/${queued.body.runId}`)).body;
      assert.notEqual(run.status, 'succeeded', 'the run finished before it could be killed: make it bigger');
      if (run.status !== 'running') return undefined;
      const written = offlineFiles(dataDir).length;
      return moment === 'reading' ? (written === 0 ? true : undefined) : written >= 3 ? true : undefined;
    },
    () => null,
    10,
  );
  server.kill('SIGKILL');
  await new Promise((resolve) => server.once('exit', resolve));
  return queued.body.runId as number;
}

test('kill -9 mid-run, restart: the run is failed/interrupted, nothing partial is visible, temp files are gone, and the next run equals a clean one', async () => {
  const defs = path.join(tempDir(), 'defs');
  writeFiles(defs, { 'raw.csv': csv(), 'things.yaml': toYaml(definitions) });
  const dataDir = path.join(tempDir(), 'data');

  const early = await crashDuring(defs, dataDir, 'reading');
  const late = await crashDuring(defs, dataDir, 'writing');
  assert.ok(offlineFiles(dataDir).length >= 3, 'the second crash left files behind for recovery to remove');

  const { server, url } = await start(defs, dataDir);
  try {
    // The restarted server takes the lease (the dead one's expires after 1 s) and recovers.
    for (const id of [early, late]) {
      const run = await waitFor(`run ${id} marked interrupted`, 60_000, async () => {
        const r = (await requestJson(`${url}/api/v1/runs/${id}`)).body;
        return r.status === 'failed' ? r : undefined;
      });
      assert.equal(run.reason, 'interrupted');
      assert.equal(run.snapshotId, null);
    }
    const version = (await requestJson(`${url}/api/v1/feature-views/things/versions/1`)).body;
    assert.deepEqual(version.snapshots, [], 'no partial snapshot is visible');
    assert.equal(version.fittedState, null, 'the interrupted runs fitted nothing');
    assert.deepEqual(offlineFiles(dataDir), [], 'uncommitted files are removed');
    assert.ok(!fs.existsSync(path.join(dataDir, 'tmp', `run-${late}`)), 'the spill of the interrupted run is removed');

    // 600,000 rows: on a busy shared machine this takes well over the default 5 s.
    const done = await requestJson(`${url}/api/v1/feature-views/things/materialize?wait=true`, 'POST', {}, 300_000);
    assert.equal(done.body.status, 'succeeded', JSON.stringify(done.body));
    assert.equal(done.body.rowsOut, ROWS);
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }

  // A clean data dir, one uninterrupted run: the same rows and values.
  const cleanDir = path.join(tempDir(), 'clean');
  const clean = await start(defs, cleanDir);
  try {
    const run = await requestJson(`${clean.url}/api/v1/feature-views/things/materialize?wait=true`, 'POST', {}, 300_000);
    assert.equal(run.body.status, 'succeeded');
  } finally {
    clean.server.kill('SIGTERM');
    await new Promise((resolve) => clean.server.once('exit', resolve));
  }
  const digest = (dir: string) =>
    duckRows(`SELECT count(*) AS n, sum(hash(id, event_timestamp, a, b, c__k0, c__k1, c__k2, c__k3, c__k4)) AS h
              FROM read_parquet('${dir}/offline/things/v1/*/*.parquet', hive_partitioning = false)`);
  const [recovered] = await digest(dataDir);
  const [reference] = await digest(cleanDir);
  assert.equal(recovered.n, BigInt(ROWS));
  assert.deepEqual(recovered, reference);
});
