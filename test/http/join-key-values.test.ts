import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import type { TesseraError } from '../../server/errors.js';
import { connect, openFeatureStore } from '../../server/sdk/index.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postText } from '../support/wide-int64.js';

// One JSON value, one key, whichever way it comes in (server/domain/join-key-value.ts): online reads,
// historical entity rows, /transform and push each answer the same for the same value.

const bundle: BundleInput = {
  entities: [
    { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { name: 'city', joinKeys: ['city'], valueType: 'string' },
  ],
  sources: [
    { name: 'd', type: 'csv', path: 'd.csv', timestampField: 'ts' },
    { name: 'c', type: 'csv', path: 'c.csv', timestampField: 'ts' },
  ],
  featureViews: [
    { name: 'drv', entities: ['driver'], source: 'd', features: [{ name: 'rate', type: 'float64' }] },
    { name: 'cty', entities: ['city'], source: 'c', features: [{ name: 'pop', type: 'float64' }] },
  ],
};
const FILES = { 'd.csv': 'driver_id,ts,rate\n1,2026-11-29T10:00:00Z,0.5\n', 'c.csv': 'city,ts,pop\n1,2026-11-29T10:00:00Z,7.5\n' };
const VIEWS = {
  driver_id: { view: 'drv', feature: 'rate', stored: 0.5, key: 1 as number | string },
  city: { view: 'cty', feature: 'pop', stored: 7.5, key: '1' as number | string },
};
const INT64 = 'expected a 64-bit integer (a JSON integer, or its digits as a string), got ';
const STRING = 'expected a non-empty string (or a JSON integer, read as its digits), got ';
const EMPTY = 'an empty string is not a join key';

// [join key, the value as JSON text, the message of its 400, or null: it is the key of the stored row]
const CASES: [keyof typeof VIEWS, string, string | null][] = [
  ['driver_id', '1', null],
  ['driver_id', '"1"', null],
  ['driver_id', '1.0', null],
  ['driver_id', '"+1"', null],
  ['driver_id', '"0001"', null],
  ['driver_id', '1.5', `${INT64}1.5`],
  ['driver_id', '"1.0"', `${INT64}"1.0"`],
  ['driver_id', '"1e0"', `${INT64}"1e0"`],
  ['driver_id', '" 1"', `${INT64}" 1"`],
  ['driver_id', 'true', `${INT64}true`],
  ['driver_id', '"9223372036854775808"', `${INT64}"9223372036854775808"`],
  ['driver_id', '""', EMPTY],
  ['city', '"1"', null],
  ['city', '1', null],
  ['city', '1.5', `${STRING}1.5`],
  ['city', 'true', `${STRING}true`],
  ['city', '""', EMPTY],
];

const AT = '"2026-11-30T00:00:00Z"';
// Every push a second later than the one before: the store keeps the newer row of a key.
let pushedAt = Date.parse('2026-12-01T00:00:00Z');
const nextPush = () => JSON.stringify(new Date((pushedAt += 1000)).toISOString());
let s: Awaited<ReturnType<typeof pipelineServer>>;

before(async () => {
  s = await pipelineServer(FILES, bundle);
  for (const view of ['drv', 'cty']) assert.equal((await s.materialize(view)).status, 'succeeded');
});
after(() => s?.close());

type Answer = { status: number; type: string; body: { errors?: { path: string; message: string }[] } & Record<string, unknown> };
async function post(path: string, body: string): Promise<Answer> {
  const res = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Answer['body'] };
}
const online = (key: keyof typeof VIEWS, value: string) => post('/get-online-features', `{"features":["${VIEWS[key].view}:${VIEWS[key].feature}"],"entities":{"${key}":[${value}]}}`);

function refused(res: Answer, path: string, message: string, what: string): void {
  assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
  assert.match(res.type, /^application\/problem\+json/);
  assert.deepEqual(res.body.errors?.[0], { path, message }, what);
}

for (const [key, value, message] of CASES) {
  const { view, feature, stored } = VIEWS[key];
  test(`${key} = ${value}: ${message ?? 'the stored row'} on every way in`, async () => {
    const read = await online(key, value);
    const historical = await post('/get-historical-features', `{"features":["${view}:${feature}"],"entities":{"${key}":[${value}],"event_timestamp":[${AT}]}}`);
    const transformed = await post(`/api/v1/feature-views/${view}/transform`, `{"rows":[{"${key}":${value},"${feature}":1}]}`);
    const pushed = await post('/write-to-online-store', `{"feature_view_name":"${view}","df":{"${key}":[${value}],"ts":[${nextPush()}],"${feature}":[99]}}`);
    if (message === null) {
      // Read as the stored row's key: echoed as that key, and its value found.
      const results = read.body.results as { values: unknown[] }[];
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.deepEqual([results[0].values, results[1].values], [[VIEWS[key].key], [stored]]);
      assert.equal(historical.status, 200, JSON.stringify(historical.body));
      assert.deepEqual([historical.body[key], historical.body[feature]], [[VIEWS[key].key], [stored]]);
      assert.equal(transformed.status, 200, JSON.stringify(transformed.body));
      assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
      const after = (await online(key, JSON.stringify(VIEWS[key].key))).body.results as { values: unknown[] }[];
      assert.deepEqual(after[1].values, [99], 'the push wrote the row of that same key');
      const restored = await post('/write-to-online-store', `{"feature_view_name":"${view}","df":{"${key}":[${JSON.stringify(VIEWS[key].key)}],"ts":[${nextPush()}],"${feature}":[${stored}]}}`);
      assert.equal(restored.status, 200);
      return;
    }
    refused(read, `entities.${key}[0]`, message, 'online');
    refused(historical, `entities.${key}[0]`, message, 'historical');
    refused(transformed, `rows[0].${key}`, message, 'transform');
    refused(pushed, `df.${key}[0]`, message, 'push');
    const unchanged = (await online(key, JSON.stringify(VIEWS[key].key))).body.results as { values: unknown[] }[];
    assert.deepEqual(unchanged[1].values, [stored], 'the refused push wrote nothing');
  });
}

test('a null key: no row in a historical read, a 400 online and on push, fine for /transform without ffill', async () => {
  refused(await online('driver_id', 'null'), 'entities.driver_id[0]', 'must not be null: an online read needs every row’s join key', 'online');
  const pushed = await post('/write-to-online-store', `{"feature_view_name":"drv","df":{"driver_id":[null],"ts":[${AT}],"rate":[1]}}`);
  refused(pushed, 'df.driver_id[0]', 'must not be null: a pushed row needs its join key', 'push');
  const historical = await post('/get-historical-features', `{"features":["drv:rate"],"entities":{"driver_id":[null,1],"event_timestamp":[${AT},${AT}]}}`);
  assert.deepEqual([historical.status, historical.body.rate], [200, [null, 0.5]]);
  assert.equal((await post('/api/v1/feature-views/drv/transform', '{"rows":[{"driver_id":null,"rate":1}]}')).status, 200);
});

test('int64 digits as text beyond 2^53 are exact online and in historical rows; a CSV upload carries keys as text', async () => {
  let res = await postText(`${s.url}/get-online-features`, '{"features":["drv:rate"],"entities":{"driver_id":["9007199254740993","1"]}}');
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /"values":\[9007199254740993,1\]/);
  res = await postText(`${s.url}/get-historical-features`, `{"features":["drv:rate"],"entities":{"driver_id":["9007199254740993"],"event_timestamp":[${AT}]}}`);
  assert.equal(res.status, 200, res.text);
  assert.match(res.text, /"driver_id":\[9007199254740993\]/);
  const csv = await fetch(`${s.url}/get-historical-features?features=drv:rate`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `driver_id,event_timestamp\n1,${AT.slice(1, -1)}\n` });
  assert.deepEqual(await csv.json(), { driver_id: [1], event_timestamp: ['2026-11-30T00:00:00.000Z'], rate: [0.5] });
});

test('the SDKs read keys by the same rule, and leave the caller’s arrays as given', async () => {
  const embedded = await openFeatureStore({ dataDir: s.dataDir });
  const remote = connect(s.url);
  try {
    for (const store of [embedded, remote]) {
      const ids = ['1', 1n];
      const answer = await store.getOnlineFeatures({ features: ['drv:rate'], entities: { driver_id: ids } });
      assert.deepEqual(
        [answer.results[0].values, answer.results[1].values],
        [
          [1, 1],
          [0.5, 0.5],
        ],
      );
      assert.deepEqual(ids, ['1', 1n]);
      const historical = await store.getHistoricalFeatures({ features: ['cty:pop'], entities: { city: [1], event_timestamp: [JSON.parse(AT)] } });
      assert.deepEqual([...historical.getChild('pop')!], [7.5]);
      await assert.rejects(
        store.getOnlineFeatures({ features: ['cty:pop'], entities: { city: [''] } }),
        (e: TesseraError) => e.errors[0]?.path === 'entities.city[0]' && e.errors[0].message === EMPTY,
      );
    }
  } finally {
    await embedded.close();
    await remote.close();
  }
});
