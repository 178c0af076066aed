import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { BUILD_HEARTBEAT_MS, BUILD_STALE_MS, DatasetService, type NewDataset } from '../../server/datasets/dataset-service.js';
import type { HistoricalService } from '../../server/offline/historical-service.js';
import { T0, testServices } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

/**
 * A retrieval that holds until the test lets it go, then fails: the build stays in progress as long
 * as the test needs, and no answer has to be produced.
 */
function heldRetrieval() {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const historical = {
    async retrieve() {
      started();
      await held;
      throw new Error('the test ends this build');
    },
  } as unknown as HistoricalService;
  return { historical, running, release };
}

// The held retrieval never reads the selection or the entity rows.
const request = { name: 'long_build', selection: { features: ['v:f'] }, entities: {}, input: { format: 'json', sha256: '0' } } as unknown as NewDataset;

test('a build in progress touches its reservation every heartbeat, so a build that outlives the stale limit keeps its name', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const services = await testServices();
  try {
    const store = services.registry.datasets;
    const { historical, running, release } = heldRetrieval();
    const first = new DatasetService({ historical, store, files: services.files, clock: services.clock });
    const building = first.create(request).then(
      () => assert.fail('the held build cannot succeed'),
      (e: Error) => e.message,
    );
    await running;
    assert.equal((await store.get('long_build'))?.updatedAt, T0);

    // Two minutes of heartbeats, the clock moving with them.
    for (let beat = 1; beat <= (2 * BUILD_STALE_MS) / BUILD_HEARTBEAT_MS; beat++) {
      services.clock.set(T0 + beat * BUILD_HEARTBEAT_MS);
      t.mock.timers.tick(BUILD_HEARTBEAT_MS);
      const at = T0 + beat * BUILD_HEARTBEAT_MS;
      await waitFor(`touch ${beat}`, 60_000, async () => ((await store.get('long_build'))?.updatedAt === at ? true : undefined), undefined, 5);
    }
    const record = await store.get('long_build');
    assert.equal(record?.status, 'building');
    assert.equal(record?.createdAt, T0);

    // Two minutes after it was reserved, another build of the name is refused: the first is alive.
    const second = new DatasetService({ historical: heldRetrieval().historical, store, files: services.files, clock: services.clock });
    await assert.rejects(second.create(request), (e: Error & { code?: string }) => e.code === 'conflict' && /is being built/.test(e.message));

    release();
    assert.equal(await building, 'the test ends this build');
    // A failed build releases its name.
    assert.equal(await store.get('long_build'), null);
  } finally {
    mock.timers.reset();
    await services.close();
  }
});
