import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../server/clock.js';
import { connect, openFeatureStore } from '../../server/sdk/index.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { spyOnReads } from '../support/read-spy.js';
import { T0, postJson } from '../support/services.js';

const CSV = `driver_id,ts,rate,kind
1,2026-11-29T10:00:00Z,0.5,a
2,2026-11-29T11:00:00Z,0.25,b
`;

test('the SDKs answer zero entity rows as the server does, without reading the online store', async () => {
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
            { name: 'rate', type: 'float64' },
            { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
          ],
        },
      ],
    },
  );
  const embedded = await openFeatureStore({ dataDir: s.dataDir, clock: fixedClock(T0) });
  const remote = connect(s.url);
  try {
    await s.materialize('drv');
    await embedded.services.catalog.refresh();
    // Every read the embedded store is asked for, by its number of keys (before its first online request).
    const reads = spyOnReads(embedded.services.online);

    const empty = { values: [], statuses: [], event_timestamps: [] };
    const request = { features: ['drv:rate', 'drv:kind'], entities: { driver_id: [] } };
    const expected = { metadata: { feature_names: ['driver_id', 'rate', 'kind__a', 'kind__b'] }, results: [empty, empty, empty, empty] };
    assert.deepEqual(embedded.getOnlineFeaturesSync(request), expected);
    assert.deepEqual(await embedded.getOnlineFeatures(request), expected);
    assert.deepEqual(await remote.getOnlineFeatures(request), expected);
    assert.deepEqual((await postJson(`${s.url}/get-online-features`, request)).body, expected);
    const full = { ...request, full_feature_names: true };
    const fullNames = { metadata: { feature_names: ['driver_id', 'drv__rate', 'drv__kind__a', 'drv__kind__b'] }, results: expected.results };
    assert.deepEqual(embedded.getOnlineFeaturesSync(full), fullNames);
    assert.deepEqual(await remote.getOnlineFeatures(full), fullNames);
    assert.deepEqual(reads, []);
    // The spy sees a read of one key.
    assert.equal(embedded.getOnlineFeaturesSync({ ...request, entities: { driver_id: [1] } }).results[1].values[0], 0.5);
    assert.deepEqual(reads, [1]);

    // Still refused: a missing key column, and mismatched column lengths.
    const naming = (path: string) => (e: Error & { errors?: { path: string }[] }) => e.errors![0].path === path;
    assert.throws(() => embedded.getOnlineFeaturesSync({ features: ['drv:rate'], entities: { driver: [], other: [1] } }), naming('entities.other'));
    assert.throws(() => embedded.getOnlineFeaturesSync({ features: ['drv:rate'], entities: { other: [] } }), naming('entities.driver_id'));
    await assert.rejects(embedded.getOnlineFeatures({ features: ['drv:nope'], entities: { driver_id: [] } }), (e: Error & { code?: string }) => e.code === 'not_found');
    await assert.rejects(remote.getOnlineFeatures({ features: ['drv:rate'], entities: {} }), naming('entities'));
  } finally {
    await embedded.close();
    await s.close();
  }
});
