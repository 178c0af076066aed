import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { TesseraError } from '../../../server/errors.js';
import { openFeatureStore } from '../../../server/sdk/embedded.js';
import type { OnlineRequest } from '../../../server/serving/online-request.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { REDIS_SKIP, deleteKeysUnder, keysUnder, redisUrlWithPrefix, uniquePrefix } from '../../support/redis.js';
import { exitedWith, freePort, requestJson, spawnServe, waitFor } from '../../support/spawn-server.js';
import { tempDir, writeFiles } from '../../support/temp-dir.js';

const skip = REDIS_SKIP ?? false;
// The test clock is 2026-11-29T12:00:00Z; drv's ttl is one day, so driver 3 is outside it.
const STATS = `driver_id,ts,rate,trips,active,kind
1,2026-11-29T10:00:00Z,0.5,3,true,a
2,2026-11-29T11:00:00Z,,4,false,b
3,2026-11-27T00:00:00Z,0.9,5,true,a
1,2026-11-28T10:00:00Z,0.1,1,false,b
`;
const TRIPS = 'city,driver_id,ts,n\nParis,1,2026-11-29T00:00:00Z,10\nLyon,1,2026-11-29T00:00:00Z,20\n';
const bundle: BundleInput = {
  entities: [
    { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { name: 'city', joinKeys: ['city'], valueType: 'string' },
  ],
  sources: [
    { name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' },
    { name: 'trips', type: 'csv', path: 'trips.csv', timestampField: 'ts' },
  ],
  featureViews: [
    {
      name: 'drv',
      entities: ['driver'],
      source: 'stats',
      ttl: '1d',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64' },
        { name: 'active', type: 'bool' },
        { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
    { name: 'city_trips', entities: ['city', 'driver'], source: 'trips', features: [{ name: 'n', type: 'int64' }] },
  ],
};
const requests: OnlineRequest[] = [
  { features: ['drv:rate', 'drv:trips', 'drv:active', 'drv:kind', 'city_trips:n'], entities: { driver_id: [1, 2, 3, 4], city: ['Lyon', 'Paris', 'Paris', 'Nice'] } },
  { features: ['drv:rate', 'drv:active'], entities: { driver_id: [2] }, full_feature_names: true },
  { features: ['city_trips:n', 'drv:kind__b'], entities: { driver_id: [1], city: ['Paris'] } },
];

test('SQLite registry + Redis online serves the same answers as the embedded store; the SDK reads it asynchronously; deleting a view drops its keys', { skip }, async () => {
  const prefix = uniquePrefix();
  const onlineUrl = redisUrlWithPrefix(prefix);
  const files = { 'stats.csv': STATS, 'trips.csv': TRIPS };
  const [redis, sqlite] = [await pipelineServer(files, bundle, { onlineUrl }), await pipelineServer(files, bundle)];
  try {
    for (const s of [redis, sqlite]) for (const view of ['drv', 'city_trips']) assert.equal((await s.materialize(view)).status, 'succeeded');
    const answers = async (url: string) => Promise.all(requests.map((r) => requestJson(`${url}/get-online-features`, 'POST', r)));
    const expected = await answers(sqlite.url);
    assert.deepEqual(
      expected.map((a) => a.status),
      [200, 200, 200],
    );
    assert.deepEqual(await answers(redis.url), expected);
    assert.deepEqual(expected[0].body.results[2].statuses, ['PRESENT', 'NULL_VALUE', 'OUTSIDE_MAX_AGE', 'NOT_FOUND'], 'the comparison covers every status');

    const sdk = await openFeatureStore({ dataDir: redis.dataDir, onlineUrl, clock: redis.services.clock });
    try {
      assert.deepEqual(await sdk.getOnlineFeatures(requests[0]), expected[0].body);
      assert.throws(
        () => sdk.getOnlineFeaturesSync(requests[0]),
        (e: unknown) => e instanceof TesseraError && e.code === 'unsupported' && /needs the embedded online store/.test(e.message),
      );
    } finally {
      await sdk.close();
    }

    assert.equal((await keysUnder(`${prefix}drv:1:`)).length, 3);
    assert.equal((await requestJson(`${redis.url}/api/v1/feature-views/drv`, 'DELETE')).status, 204);
    assert.deepEqual(await keysUnder(`${prefix}drv:`), []);
    assert.equal((await keysUnder(`${prefix}city_trips:1:`)).length, 2);
  } finally {
    await Promise.all([redis.close(), sqlite.close()]);
    await deleteKeysUnder(prefix);
  }
});

test('tessera serve with TESSERA_ONLINE_URL and its own data dir writes and reads the online rows in Redis', { skip }, async () => {
  const prefix = uniquePrefix();
  const dir = tempDir();
  writeFiles(dir, {
    'defs/stats.csv': 'driver_id,ts,rate\n7,2026-11-29T10:00:00Z,0.75\n',
    'defs/features.yaml': `
entities:
  - {name: driver, joinKeys: [driver_id], valueType: int64}
sources:
  - {name: stats, type: csv, path: stats.csv, timestampField: ts}
featureViews:
  - {name: drv, entities: [driver], source: stats, features: [{name: rate, type: float64}]}
`,
  });
  const port = await freePort();
  const child = spawnServe(['--data-dir', path.join(dir, 'data'), '--definitions', path.join(dir, 'defs'), '--port', String(port)], { TESSERA_ONLINE_URL: redisUrlWithPrefix(prefix) });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('the server to listen', 60_000, async () => ((await requestJson(`${url}/health`)).status === 200 ? true : undefined), exitedWith(child));
    const run = await requestJson(`${url}/api/v1/feature-views/drv/materialize?wait=true`, 'POST', {}, 60_000);
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    const answer = await requestJson(`${url}/get-online-features`, 'POST', { features: ['drv:rate'], entities: { driver_id: [7, 8] } });
    assert.deepEqual(answer.body.results[1].values, [0.75, null]);
    assert.deepEqual(await keysUnder(`${prefix}drv:1:`), [`${prefix}drv:1:{7}`]);
    assert.equal(fs.existsSync(path.join(dir, 'data', 'online.db')), false, 'no embedded online store beside Redis');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(null)));
    await deleteKeysUnder(prefix);
  }
});
