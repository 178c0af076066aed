import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, openFeatureStore } from '../../server/sdk/index.js';
import { fixedClock } from '../../server/clock.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { T0, postJson } from '../support/services.js';

const CSV = `driver_id,ts,rate,kind
1,2026-11-29T10:00:00Z,0.5,a
2,2026-11-29T11:00:00Z,,b
`;

test('the in-process SDK and the HTTP client answer exactly as the server does', async () => {
  const s = await pipelineServer(
    { 'stats.csv': CSV },
    {
      entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
      sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
      featureViews: [
        {
          name: 'drv',
          entities: ['driver'],
          source: 'stats',
          features: [
            { name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'mean' } }] },
            { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
          ],
        },
      ],
    },
  );
  const request = { features: ['drv:rate', 'drv:kind'], entities: { driver_id: [1, 2, 3] } };
  const embedded = await openFeatureStore({ dataDir: s.dataDir, clock: fixedClock(T0) });
  const remote = connect(s.url);
  try {
    await s.materialize('drv');
    const viaHttp = (await postJson(`${s.url}/get-online-features`, request)).body;
    // By hand, in Feast's answer shape: driver 2's missing rate takes the fitted mean of [0.5]; kind's
    // categories a and b are one-hot columns; driver 3 has no row (NOT_FOUND, the epoch as its time).
    const EPOCH = '1970-01-01T00:00:00Z';
    const at = (t: string) => [`2026-11-29T${t}:00:00Z`];
    const found = (values: (number | null)[]) => ({ values, statuses: ['PRESENT', 'PRESENT', 'NOT_FOUND'], event_timestamps: [...at('10'), ...at('11'), EPOCH] });
    assert.deepEqual(viaHttp, {
      metadata: { feature_names: ['driver_id', 'rate', 'kind__a', 'kind__b'] },
      results: [{ values: [1, 2, 3], statuses: ['PRESENT', 'PRESENT', 'PRESENT'], event_timestamps: [EPOCH, EPOCH, EPOCH] }, found([0.5, 0.5, null]), found([1, 0, null]), found([0, 1, null])],
    });
    // The SDK opened before the run: it sees the new fitted version once it refreshes.
    await embedded.services.catalog.refresh();
    assert.deepEqual(embedded.getOnlineFeaturesSync(request), viaHttp);
    assert.deepEqual(await embedded.getOnlineFeatures(request), viaHttp);
    assert.deepEqual(await remote.getOnlineFeatures(request), viaHttp);

    const rows = [{ driver_id: 9, rate: null, kind: 'b' }];
    const transformed = await embedded.transform('drv', rows);
    assert.deepEqual(transformed.rows, [{ rate: 0.5, kind__a: 0, kind__b: 1 }]);
    assert.deepEqual(await remote.transform('drv', rows), transformed);

    await assert.rejects(remote.getOnlineFeatures({ features: ['drv:nope'], entities: { driver_id: [1] } }), (e: Error & { code?: string; errors?: { path: string }[] }) => {
      assert.equal(e.code, 'not_found');
      assert.equal(e.errors![0].path, 'features[0]');
      return true;
    });
    assert.throws(() => embedded.getOnlineFeaturesSync({ features: ['drv:rate'], entities: { driver_id: ['x'] } }), /entities\.driver_id\[0\]/);
  } finally {
    await embedded.close();
    await s.close();
  }
});
