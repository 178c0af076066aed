import assert from 'node:assert/strict';
import type { DatasetMetadata } from '../../server/datasets/dataset-metadata.js';
import { TesseraError } from '../../server/errors.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;
const conflictSaying = (text: RegExp) => (e: unknown) => e instanceof TesseraError && e.code === 'conflict' && text.test(e.message);

/** Metadata as a saved dataset records it (the store keeps it as given). */
function metadata(name: string): DatasetMetadata {
  return {
    name,
    description: 'for the contract',
    request: { features: ['v:a'], featureService: null, fullFeatureNames: false },
    plan: {
      views: [{ view: 'v', version: 1, keys: [{ name: 'id', type: 'int64' }], ttl: 0, hasCreated: false, snapshotIds: [3, 9] }],
      keys: [{ name: 'id', type: 'int64' }],
      features: [{ view: 0, column: 'a', outputName: 'a', type: 'float64' }],
    },
    input: { format: 'json', sha256: 'ab' },
    entities: { file: `datasets/${name}/entities.parquet`, rows: 2, bytes: 10, sha256: 'cd' },
    data: { file: `datasets/${name}/data.parquet`, rows: 2, bytes: 20, sha256: 'ef' },
    columns: [{ name: 'a', role: 'feature', type: 'DOUBLE' }],
    statistics: {},
    createdAt: T,
  };
}

/** The dataset store contract (server/datasets/dataset-store.ts), run against every registry backend. */
export function datasetStoreContract(): void {
  const suite = 'dataset store';

  // No reservation is ever stale in these first cases: nothing was touched before T - 1.
  const FRESH = T - 1;

  registryTest(suite, 'reserve, complete, list, get, release and remove', async ({ registry }) => {
    const store = registry.datasets;
    await store.reserve('train', T, FRESH);
    assert.deepEqual(await store.get('train'), { name: 'train', status: 'building', metadata: null, createdAt: T, updatedAt: T });
    await assert.rejects(store.reserve('train', T + 1, FRESH), conflictSaying(/is being built/));
    assert.equal(await store.complete('train', T - 5, metadata('train'), T + 2), false, 'another reservation of the name does not complete it');
    assert.equal(await store.complete('train', T, metadata('train'), T + 2), true);
    assert.deepEqual(await store.get('train'), { name: 'train', status: 'ready', metadata: metadata('train'), createdAt: T, updatedAt: T + 2 });
    await assert.rejects(store.reserve('train', T + 3, FRESH), conflictSaying(/already exists/));
    await store.release('train', T);
    assert.equal((await store.get('train'))!.status, 'ready', 'release drops reservations only');

    await store.reserve('abandoned', T + 4, FRESH);
    await store.reserve('a_first', T + 5, FRESH);
    assert.deepEqual(
      (await store.list()).map((d) => [d.name, d.status]),
      [
        ['a_first', 'building'],
        ['abandoned', 'building'],
        ['train', 'ready'],
      ],
    );
    await store.release('abandoned', T + 3);
    assert.equal((await store.get('abandoned'))!.status, 'building', 'release drops its own reservation only');
    await store.release('abandoned', T + 4);
    assert.equal(await store.get('abandoned'), null);
    await store.reserve('abandoned', T + 6, FRESH);
    assert.equal(await store.remove('train'), true);
    assert.equal(await store.remove('train'), false);
    assert.equal(await store.get('train'), null);
  });

  registryTest(suite, 'a reservation left untouched since staleBefore is taken over; a touched one, or a ready dataset, never', async ({ registry }) => {
    const store = registry.datasets;
    await store.reserve('dead', T, FRESH);
    await store.reserve('alive', T, FRESH);
    await store.touch('alive', T, T + 50);
    await store.touch('alive', T - 7, T + 90); // another reservation's heartbeat moves nothing
    assert.equal((await store.get('alive'))!.updatedAt, T + 50);
    await store.reserve('done', T, FRESH);
    assert.equal(await store.complete('done', T, metadata('done'), T + 1), true);

    // At T + 100, reservations untouched since T + 40 are abandoned: 'dead' (T) is, 'alive' (T + 50) is not.
    await store.reserve('dead', T + 100, T + 40);
    assert.deepEqual(await store.get('dead'), { name: 'dead', status: 'building', metadata: null, createdAt: T + 100, updatedAt: T + 100 });
    await assert.rejects(store.reserve('alive', T + 100, T + 40), conflictSaying(/is being built/));
    await assert.rejects(store.reserve('done', T + 100, T + 1000), conflictSaying(/already exists/));
    // The dead builder's late calls touch nothing: its reservation (T) is gone.
    assert.equal(await store.complete('dead', T, metadata('dead'), T + 101), false);
    await store.release('dead', T);
    assert.equal((await store.get('dead'))!.createdAt, T + 100);
    assert.equal(await store.complete('dead', T + 100, metadata('dead'), T + 102), true);
  });

  registryTest(suite, 'processes reserving one name at once: exactly one gets it', async ({ registry, another }) => {
    const other = await another();
    const results = await Promise.allSettled([
      registry.datasets.reserve('x', T, FRESH),
      other.datasets.reserve('x', T, FRESH),
      registry.datasets.reserve('x', T, FRESH),
      other.datasets.reserve('x', T, FRESH),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(conflictSaying(/being built/)(r.reason), String(r.reason));
  });

  registryTest(suite, 'processes taking over one abandoned reservation at once: exactly one gets it', async ({ registry, another }) => {
    const other = await another();
    await registry.datasets.reserve('y', T, FRESH);
    const at = [T + 100, T + 101, T + 102, T + 103];
    const stores = [registry.datasets, other.datasets, registry.datasets, other.datasets];
    const results = await Promise.allSettled(stores.map((s, i) => s.reserve('y', at[i], T + 10)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
    const winner = at[results.findIndex((r) => r.status === 'fulfilled')];
    assert.equal((await registry.datasets.get('y'))!.createdAt, winner);
  });
}
