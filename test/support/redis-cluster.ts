import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type PrivateRedis, privateRedis } from './redis.js';
import { freePort, waitFor } from './spawn-server.js';
import { tempDir } from './temp-dir.js';

const run = promisify(execFile);

/** A Redis Cluster of the test's own: masters without replicas, each a `PrivateRedis` to kill, freeze, restart. */
export interface PrivateCluster {
  nodes: PrivateRedis[];
  /** `redis+cluster://` with two of the nodes as seeds (the client finds the others). */
  url: string;
  /** Waits until every node says `cluster_state:ok` (after a start, the nodes find each other again). */
  ready(): Promise<void>;
  kill(): Promise<void>;
}

export async function privateCluster(size = 3): Promise<PrivateCluster> {
  const nodes: PrivateRedis[] = [];
  for (let i = 0; i < size; i++) nodes.push(await privateRedis(await freePort(), tempDir(), ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']));
  const cli = (...args: string[]) => run('redis-cli', args, { timeout: 30_000 });
  const ready = async () => {
    await waitFor('the cluster to be ok', 120_000, async () => {
      const states = await Promise.all(nodes.map((n) => cli('-p', String(n.port), 'cluster', 'info').then((r) => r.stdout.includes('cluster_state:ok'))));
      return states.every(Boolean) ? true : undefined;
    });
  };
  await cli('--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes');
  await ready();
  return {
    nodes,
    url: `redis+cluster://127.0.0.1:${nodes[0].port},127.0.0.1:${nodes[1].port}`,
    ready,
    async kill() {
      for (const n of nodes) await n.kill();
    },
  };
}
