import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBundle } from '../../server/definitions/parse-bundle.js';
import { PipelineHost } from '../../server/pipelines/pipeline-host.js';
import { RUNNER_LEASE_PREFIX } from '../../server/pipelines/runner-lease.js';
import { openRegistry } from '../../server/registry/open-registry.js';
import { POSTGRES_SKIP, createTestDatabase } from '../support/postgres.js';
import { T0, testServices } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';
import { writeFiles } from '../support/temp-dir.js';

const ROWS = 40;
/** Ten ids, four rows each, all before the test clock's now. */
const CSV = `id,ts,x\n${Array.from({ length: ROWS }, (_, i) => `${i % 10},${new Date(T0 - (ROWS - i) * 60_000).toISOString()},${i}`).join('\n')}\n`;

const bundle = {
  entities: [{ name: 'thing', joinKeys: ['id'], valueType: 'int64' }],
  sources: [{ name: 'raw', type: 'csv', path: 'raw.csv', timestampField: 'ts' }],
  featureViews: ['ghosts', 'living'].map((name) => ({ name, entities: ['thing'], source: 'raw', features: [{ name: 'x', type: 'float64' }] })),
};

/**
 * Workers (`--role worker`) each hold a runner lease. The scheduler's holder takes over the running runs
 * of a worker whose lease expired, and only those: here the other workers are played by the test,
 * claiming runs as 'ghost' (a lease left to expire) and 'alive' (a lease kept renewed, then released).
 */
for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: a worker whose runner lease expired has its run taken over and finished; a live worker's run is left alone until its lease goes`, {
    skip: backend === 'postgres' ? (POSTGRES_SKIP ?? false) : false,
  }, async () => {
    const database = backend === 'postgres' ? await createTestDatabase() : null;
    const services = await testServices({ role: 'worker', leaseMs: 300, pipelineThread: false, pollMs: 20, ...(database ? { registryUrl: database.url } : {}) });
    writeFiles(services.config.definitions, { 'raw.csv': CSV });
    // The other workers: another connection to the same registry, as another process has.
    const others = await openRegistry({ dataDir: services.config.dataDir, clock: services.clock, registryUrl: services.config.registryUrl });
    let host: PipelineHost | null = null;
    let renew: NodeJS.Timeout | null = null;
    try {
      await services.applyService.apply(parseBundle(bundle), { dryRun: false, actor: 'test' });
      const claimAs = async (view: string, holder: string, ttlMs: number) => {
        assert.equal(await others.leases.tryAcquire(RUNNER_LEASE_PREFIX + holder, holder, ttlMs), true);
        const run = await others.runs.enqueue({ featureView: view, version: 1, trigger: 'manual', start: null, end: null, maxAttempts: 3 }, T0);
        assert.equal((await others.runs.claim(holder, T0, run.id))?.holder, holder);
        return run.id;
      };
      const ghost = await claimAs('ghosts', 'ghost', 200);
      const living = await claimAs('living', 'alive', 60_000);
      renew = setInterval(() => void others.leases.tryAcquire(`${RUNNER_LEASE_PREFIX}alive`, 'alive', 60_000), 50);

      host = new PipelineHost(services);
      await host.start();
      // The ghost's lease expires: on the database's clock (PostgreSQL) in 200 ms, on the injected one (SQLite) now.
      services.clock.set(T0 + 1000);
      const taken = await waitFor('the ghost run taken over and finished', 60_000, async () => {
        const run = await services.runs.get(ghost);
        return run?.status === 'succeeded' || run?.status === 'failed' ? run : undefined;
      });
      assert.deepEqual([taken.status, taken.attempt, taken.rowsOut], ['succeeded', 2, ROWS]);
      assert.deepEqual(
        (await services.runs.snapshots('ghosts', 1)).map((s) => [s.runId, s.rows]),
        [[ghost, ROWS]],
      );
      // The live worker's run was there all along, and stays its own.
      const kept = await services.runs.get(living);
      assert.deepEqual([kept?.status, kept?.holder, kept?.attempt], ['running', 'alive', 1]);

      // That worker goes away (its lease released, as a stop would): its run is taken over too.
      clearInterval(renew);
      renew = null;
      await others.leases.release(`${RUNNER_LEASE_PREFIX}alive`, 'alive');
      const second = await waitFor('the second run taken over and finished', 60_000, async () => {
        const run = await services.runs.get(living);
        return run?.status === 'succeeded' || run?.status === 'failed' ? run : undefined;
      });
      assert.deepEqual([second.status, second.attempt, second.rowsOut], ['succeeded', 2, ROWS]);
    } finally {
      if (renew) clearInterval(renew);
      await host?.stop();
      await others.close();
      await services.close();
      await database?.drop();
    }
  });
}
