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

  registryTest(suite, 'reserve, complete, list, get, release and remove', async ({ registry }) => {
    const store = registry.datasets;
    await store.reserve('train', T);
    assert.deepEqual(await store.get('train'), { name: 'train', status: 'building', metadata: null, createdAt: T, updatedAt: T });
    await assert.rejects(store.reserve('train', T + 1), conflictSaying(/is being built/));
    await store.complete('train', metadata('train'), T + 2);
    assert.deepEqual(await store.get('train'), { name: 'train', status: 'ready', metadata: metadata('train'), createdAt: T, updatedAt: T + 2 });
    await assert.rejects(store.reserve('train', T + 3), conflictSaying(/already exists/));
    await store.release('train');
    assert.equal((await store.get('train'))!.status, 'ready', 'release drops reservations only');

    await store.reserve('abandoned', T + 4);
    await store.reserve('a_first', T + 5);
    assert.deepEqual(
      (await store.list()).map((d) => [d.name, d.status]),
      [
        ['a_first', 'building'],
        ['abandoned', 'building'],
        ['train', 'ready'],
      ],
    );
    await store.release('abandoned');
    assert.equal(await store.get('abandoned'), null);
    await store.reserve('abandoned', T + 6);
    assert.equal(await store.remove('train'), true);
    assert.equal(await store.remove('train'), false);
    assert.equal(await store.get('train'), null);
  });

  registryTest(suite, 'processes reserving one name at once: exactly one gets it', async ({ registry, another }) => {
    const other = await another();
    const results = await Promise.allSettled([registry.datasets.reserve('x', T), other.datasets.reserve('x', T), registry.datasets.reserve('x', T), other.datasets.reserve('x', T)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(conflictSaying(/being built/)(r.reason), String(r.reason));
  });
}
