import assert from 'node:assert/strict';
import type { NewMonitorResult } from '../../server/monitoring/monitors/monitor-result-store.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;

const result = (monitor: string, at: number, drift: boolean | null): NewMonitorResult => ({
  monitor,
  status: drift === null ? 'failed' : 'ok',
  datasetDrift: drift,
  share: drift === null ? null : drift ? 0.5 : 0,
  report:
    drift === null
      ? null
      : {
          featureView: 'v',
          version: 1,
          reference: { description: 'snapshots 1' },
          detection: { description: 'window' },
          features: [],
          driftedFeatures: 0,
          share: drift ? 0.5 : 0,
          driftShare: 0.5,
          datasetDrift: drift,
          computedAt: '2027-01-15T08:00:00.000Z',
        },
  error: drift === null ? 'the detection holds no rows' : null,
  startedAt: at,
  finishedAt: at + 5,
});

/** The monitor result store contract (server/monitoring/monitors/monitor-result-store.ts), on every registry backend. */
export function monitorResultStoreContract(): void {
  const suite = 'monitor result store';

  registryTest(suite, 'add keeps results as given; list is per monitor, newest first, paged by id', async ({ registry }) => {
    const store = registry.monitorResults;
    const a1 = await store.add(result('a', T, false));
    const b1 = await store.add(result('b', T + 1, true));
    const a2 = await store.add(result('a', T + 2, null));
    const a3 = await store.add(result('a', T + 3, true));
    assert.ok(a1 < b1 && b1 < a2 && a2 < a3);
    const listed = await store.list('a', { limit: 10 });
    assert.deepEqual(
      listed.map((r) => r.id),
      [a3, a2, a1],
    );
    assert.deepEqual(listed[0], { id: a3, ...result('a', T + 3, true) });
    assert.deepEqual(listed[1], { id: a2, ...result('a', T + 2, null) });
    assert.deepEqual(
      (await store.list('a', { limit: 1, beforeId: a3 })).map((r) => r.id),
      [a2],
    );
    assert.deepEqual(await store.list('nobody', { limit: 10 }), []);
  });
}
