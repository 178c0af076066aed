import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { numericColumnFrom } from '../../../server/columns/column.js';
import { openOnlineStore } from '../../../server/online/open-online-store.js';
import type { OnlineTable } from '../../../server/online/online-store.js';
import { REDIS_SKIP, uniquePrefix } from '../../support/redis.js';
import { freePort, waitFor } from '../../support/spawn-server.js';
import { tempDir } from '../../support/temp-dir.js';
import { onlineStoreContract } from '../online-store.contract.js';

const run = promisify(execFile);
const skip = REDIS_SKIP ?? false;
const nodes: { port: number; kill: () => void }[] = [];

/** Three private cluster nodes (no replicas) on free ports, joined with `redis-cli --cluster create`. */
before(async () => {
  if (REDIS_SKIP) return;
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const dir = tempDir();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    nodes.push({ port, kill: () => child.kill('SIGKILL') });
  }
  process.once('exit', () => {
    for (const n of nodes) n.kill();
  });
  const cli = (...args: string[]) => run('redis-cli', args, { timeout: 30_000 });
  await waitFor('the cluster nodes to answer', 60_000, async () =>
    (await Promise.all(nodes.map((n) => cli('-p', String(n.port), 'ping')))).every((r) => r.stdout.trim() === 'PONG') ? true : undefined,
  );
  await cli('--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes');
  await waitFor('the cluster to be ok', 120_000, async () => ((await cli('-p', String(nodes[0].port), 'cluster', 'info')).stdout.includes('cluster_state:ok') ? true : undefined));
});
after(() => {
  for (const n of nodes) n.kill();
});

// Seeds: two of the three nodes; the client finds the third.
const url = () => `redis+cluster://127.0.0.1:${nodes[0].port},127.0.0.1:${nodes[1].port}`;
// Each store on a prefix of its own: the suite expects a fresh, empty store per test.
onlineStoreContract('redis cluster', () => openOnlineStore({ dataDir: tempDir(), onlineUrl: `${url()}?prefix=${encodeURIComponent(uniquePrefix())}` }), REDIS_SKIP);

test('redis cluster: a write of many keys spans every node, and reads of all of them come back in one request', { skip }, async () => {
  const prefix = uniquePrefix();
  const store = await openOnlineStore({ dataDir: tempDir(), onlineUrl: `${url()}?prefix=${encodeURIComponent(prefix)}` });
  const keysPerNode = () =>
    // SCAN may return a key more than once (while a node rehashes): count distinct names.
    Promise.all(
      nodes.map(async (node) => new Set((await run('redis-cli', ['-p', String(node.port), '--scan', '--pattern', `${prefix}*`], { maxBuffer: 1 << 24 })).stdout.split('\n').filter(Boolean)).size),
    );
  try {
    const table: OnlineTable = { view: 'spread', version: 1, keys: [{ name: 'id', type: 'int64' }], columns: [{ name: 'x', type: 'int64' }] };
    const n = 3000;
    const ids = Array.from({ length: n }, (_, i) => i);
    await store.write(table, { length: n, keys: [numericColumnFrom(ids)], eventTs: Float64Array.from(ids, () => 1), createdTs: null, columns: [numericColumnFrom(ids.map((i) => i * 7))] });
    // Every node holds some of the rows (slots are split in three).
    const counts = await keysPerNode();
    assert.ok(
      counts.every((c) => c > 0),
      `keys per node: ${counts}`,
    );
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      n,
    );
    const found = await store.read(
      table,
      ids.map((i) => [i]),
      ['x'],
    );
    assert.deepEqual(
      found.map((r) => r?.values[0]),
      ids.map((i) => i * 7),
    );
    await store.dropTable('spread', 1);
    assert.deepEqual(await store.read(table, [[1], [2999]], ['x']), [null, null]);
    assert.deepEqual(await keysPerNode(), [0, 0, 0]);
  } finally {
    await store.close();
  }
});
