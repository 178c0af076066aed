import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { POSTGRES_SKIP, createTestDatabase } from '../support/postgres.js';
import { REDIS_SKIP, deleteKeysUnder, redisUrlWithPrefix, uniquePrefix } from '../support/redis.js';
import { duckRows } from '../support/duckdb.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';

const ROWS = 400_000;
const IDS = 1000;
const BASE = Date.parse('2026-11-01T00:00:00Z');
const tsOf = (i: number) => BASE + i * 1000;
const aOf = (i: number) => ((i * 7919) % 10007) / 100;

/** Rows in event-time order; id i % 1000, so each id's latest row is one of the last thousand. */
function csv(): string {
  const lines = ['id,ts,a'];
  for (let i = 0; i < ROWS; i++) lines.push(`${i % IDS},${new Date(tsOf(i)).toISOString()},${aOf(i)}`);
  return `${lines.join('\n')}\n`;
}

const definitions = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'raw', type: 'csv', path: 'raw.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'things', entities: ['thing'], source: 'raw', features: [{ name: 'a', type: 'float64' }] }],
};

const skip = POSTGRES_SKIP ?? REDIS_SKIP ?? false;

test('three tessera serve processes on one PostgreSQL, one Redis and one offline root: identical answers everywhere; kill -9 of the process running a long materialization, another finishes it once', {
  skip,
}, async () => {
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  const offline = tempDir();
  const defs = path.join(tempDir(), 'defs');
  writeFiles(defs, { 'raw.csv': csv(), 'things.yaml': toYaml(definitions) });
  const env = {
    TESSERA_REGISTRY_URL: database.url,
    TESSERA_ONLINE_URL: redisUrlWithPrefix(prefix),
    TESSERA_OFFLINE_DIR: offline,
    TESSERA_LEASE_MS: '1000',
    // Small batches and files: the long run writes many files over several seconds.
    TESSERA_BATCH_SIZE: '5000',
    TESSERA_ROWS_PER_FILE: '10000',
    TESSERA_RUN_ATTEMPTS: '3',
  };
  const roles = ['api', 'all', 'all'] as const;
  const servers: { role: (typeof roles)[number]; url: string; args: string[]; child: ReturnType<typeof spawnServe> }[] = await Promise.all(
    roles.map(async (role) => {
      const port = await freePort();
      const args = ['--port', String(port), '--data-dir', path.join(tempDir(), 'data'), '--definitions', defs, '--role', role];
      return { role, url: `http://127.0.0.1:${port}`, args, child: spawnServe(args, env) };
    }),
  );
  try {
    const healths = await Promise.all(
      servers.map((s) => waitFor(`the ${s.role} process`, 90_000, async () => ((h) => (h.status === 200 ? h.body : undefined))(await requestJson(`${s.url}/health`)), exitedWith(s.child))),
    );
    assert.deepEqual(
      healths.map((h) => [h.role, Object.keys(h.checks).sort()]),
      roles.map((r) => [r, ['offlineRoot', 'onlineStore', 'registry']]),
    );
    // The scheduler runs exactly once: one of the two `all` processes, never the api one.
    const leaders = await waitFor('one scheduler', 120_000, async () => {
      const said = await Promise.all(servers.map(async (s) => (await requestJson(`${s.url}/health`)).body.scheduler));
      return said.filter((x) => x === 'this process').length === 1 ? said : undefined;
    });
    assert.equal(leaders[0], 'another process');

    // A long materialization, queued through the api process.
    const queued = await requestJson(`${servers[0].url}/api/v1/feature-views/things/materialize`, 'POST', {});
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const runId = queued.body.runId as number;
    await waitFor(
      'the run writing files',
      120_000,
      async () => {
        const run = (await requestJson(`${servers[0].url}/api/v1/runs/${runId}`)).body;
        assert.notEqual(run.status, 'succeeded', 'the run finished before it could be killed: make it bigger');
        return run.status === 'running' && parquetFiles(offline).length >= 2 ? true : undefined;
      },
      () => null,
      20,
    );
    // In role `all` the scheduler's holder is the one that drains the queue: it runs this run.
    const said = await Promise.all(servers.map(async (s) => (await requestJson(`${s.url}/health`)).body));
    const victim = servers[said.findIndex((h) => h.scheduler === 'this process')];
    assert.equal(victim.role, 'all');
    assert.equal(said[servers.indexOf(victim)].pid, victim.child.pid);
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const survivors = servers.filter((s) => s !== victim);

    // Another process takes the run over once the dead one's lease expires, and finishes it.
    const done = await waitFor(
      'the run taken over and finished',
      300_000,
      async () => {
        const run = (await requestJson(`${survivors[0].url}/api/v1/runs/${runId}`)).body;
        return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
      },
      () => null,
      200,
    );
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.equal(done.attempt, 2);
    assert.equal(done.rowsOut, ROWS);
    // Committed once: one snapshot, whose files hold every row once, and nothing else is left.
    const version = (await requestJson(`${survivors[0].url}/api/v1/feature-views/things/versions/1`)).body;
    assert.deepEqual(
      version.snapshots.map((s: { runId: number; rows: number }) => [s.runId, s.rows]),
      [[runId, ROWS]],
    );
    const [counted] = await duckRows(`SELECT count(*) AS n, count(DISTINCT (id, event_timestamp)) AS keys FROM read_parquet('${offline}/things/v1/**/*.parquet')`);
    assert.deepEqual(counted, { n: BigInt(ROWS), keys: BigInt(ROWS) });
    assert.deepEqual(
      listFiles(offline).filter((f) => !f.endsWith('.parquet')),
      [],
      'no staged files left',
    );

    // The killed process comes back (same port and data dir) and joins the others.
    victim.child = spawnServe(victim.args, env);
    await waitFor('the restarted process', 90_000, async () => ((await requestJson(`${victim.url}/health`)).status === 200 ? true : undefined), exitedWith(victim.child));

    // Every process answers alike: the online store holds each id's latest row.
    const ids = [0, 1, 499, 998, 999];
    const online = { features: ['things:a'], entities: { id: ids } };
    const answers = await Promise.all(servers.map(async (s) => (await requestJson(`${s.url}/get-online-features`, 'POST', online)).body));
    assert.deepEqual(answers[1], answers[0]);
    assert.deepEqual(answers[2], answers[0]);
    const latest = (id: number) => ROWS - IDS + id;
    assert.deepEqual(
      answers[0].results.map((r: { values: unknown[] }) => r.values),
      [ids, ids.map((id) => aOf(latest(id)))],
    );
    // Point in time, through every live process: the value as of a moment in the middle.
    const at = tsOf(ROWS / 2) + 500;
    const historical = { features: ['things:a'], entities: { id: ids, event_timestamp: ids.map(() => new Date(at).toISOString()) } };
    const pit = await Promise.all(servers.map(async (s) => (await requestJson(`${s.url}/get-historical-features`, 'POST', historical, 60_000)).body));
    assert.deepEqual(pit[1], pit[0]);
    assert.deepEqual(pit[2], pit[0]);
    // The row of each id at or before `at`: index ROWS/2 rounded down to that id's residue.
    const before = (id: number) => ROWS / 2 - ((((ROWS / 2 - id) % IDS) + IDS) % IDS);
    assert.deepEqual(pit[0].id, ids);
    assert.deepEqual(
      pit[0].a,
      ids.map((id) => aOf(before(id))),
    );
  } finally {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? new Promise((resolve) => s.child.once('exit', resolve)) : null)));
    await database.drop();
    await deleteKeysUnder(prefix);
  }
});

function listFiles(dir: string): string[] {
  return fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()) : [];
}

function parquetFiles(dir: string): string[] {
  return listFiles(dir).filter((f) => f.endsWith('.parquet'));
}
