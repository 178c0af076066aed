import assert from 'node:assert/strict';
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { spyOnReads } from '../support/read-spy.js';

// Zero entity rows ({"driver_id": []}) answer the names a one-row request would, each with empty
// columns, as Feast's Go server does; the online store is never asked to read zero keys.
const CSV = `driver_id,ts,rate,trips,kind
1,2026-11-29T10:00:00Z,0.5,3,a
2,2026-11-29T11:00:00Z,,4,b
`;
const TRIPS = `city,driver_id,ts,n
Paris,1,2026-11-29T00:00:00Z,10
`;
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
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'trips', type: 'int64' },
        { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
    { name: 'paint', entities: ['driver'], source: 'stats', features: [{ name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot', answer: 'list' } }] }] },
    { name: 'city_trips', entities: ['city', 'driver'], source: 'trips', features: [{ name: 'n', type: 'int64' }] },
  ],
  featureServices: [
    { name: 'model', features: ['drv:rate', 'city_trips:n'] },
    { name: 'logged', features: ['drv:rate'], logging: { sampleRate: 1 } },
  ],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
/** Keys the online store was asked to read, per read call. */
let reads: number[] = [];
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV, 'trips.csv': TRIPS }, bundle);
  for (const view of ['drv', 'paint', 'city_trips']) await s.materialize(view);
  // Before any online request: the server prepares its reads on the first one.
  reads = spyOnReads(s.services.online);
});
after(() => s.close());

/** The answer's text from the fast path, checked byte for byte against the express route's (a gzip body). */
async function online(body: unknown): Promise<{ status: number; text: string }> {
  const raw = Buffer.from(JSON.stringify(body));
  const fast = await fetch(`${s.url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw });
  const routed = await fetch(`${s.url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(raw) });
  const text = await fast.text();
  assert.equal(await routed.text(), text, `${raw}`);
  assert.equal(routed.status, fast.status);
  return { status: fast.status, text };
}

const EMPTY = '{"values":[],"statuses":[],"event_timestamps":[]}';

test("zero entity rows: Feast's answer with every column empty, and no read of the online store", async () => {
  const plain = await online({ features: ['drv:rate', 'drv:trips'], entities: { driver_id: [] } });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.text, `{"metadata":{"feature_names":["driver_id","rate","trips"]},"results":[${EMPTY},${EMPTY},${EMPTY}]}`);
  const full = await online({ features: ['drv:rate', 'drv:trips'], entities: { driver_id: [] }, full_feature_names: true });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.text, `{"metadata":{"feature_names":["driver_id","drv__rate","drv__trips"]},"results":[${EMPTY},${EMPTY},${EMPTY}]}`);
  assert.deepEqual(reads, []);
});

test('every form of the request answers the names of its one-row answer, with empty columns', async () => {
  const forms: Record<string, unknown>[] = [
    { features: ['drv:kind'], entities: { driver_id: [1] } },
    { features: ['paint:kind', 'drv:rate'], entities: { driver_id: [1] }, full_feature_names: true },
    { feature_service: 'model', entities: { driver_id: [1], city: ['Paris'] } },
    { features: ['drv:rate'], entities: { driver: [1] } },
    { features: ['drv:rate'], entities: { driver_id: [1], other: ['x'] }, tessera_keep_entity_columns: true },
    { features: ['drv:rate'], entities: { driver_id: [1], other: ['x'] } },
    { features: ['drv:rate'], entities: { driver_id: [1] }, include_feature_view_version_metadata: true },
  ];
  for (const form of forms) {
    const one = JSON.parse((await online(form)).text);
    assert.equal(one.results[0].values.length, 1, JSON.stringify(one));
    const entities = Object.fromEntries(Object.keys(form.entities as object).map((k) => [k, []]));
    const zero = await online({ ...form, entities });
    assert.equal(zero.status, 200, zero.text);
    const emptied = { ...one, results: one.results.map(() => ({ values: [], statuses: [], event_timestamps: [] })) };
    assert.deepEqual(JSON.parse(zero.text), emptied, JSON.stringify(form));
  }
  // The spy sees the one-row requests' reads (and so would see any of zero keys).
  assert.ok(reads.length >= forms.length && !reads.includes(0), JSON.stringify(reads));
});

test('a logged feature service logs nothing for zero rows', async () => {
  assert.equal((await online({ feature_service: 'logged', entities: { driver_id: [] } })).status, 200);
  await s.services.featureLog.flush();
  const stats = s.services.featureLog.queueStats();
  assert.equal(stats.writtenRows + stats.queueDepthRows + stats.droppedRows, 0);
  assert.equal(fs.existsSync(s.services.files.locate('offline/logs/feature_services')), false);
});

test('zero rows are checked as any request is: 4xx problem documents naming the field', async () => {
  const cases: [unknown, number, string][] = [
    [{ features: ['nope:rate'], entities: { driver_id: [] } }, 404, 'features[0]'],
    [{ features: ['drv:nope'], entities: { driver_id: [] } }, 404, 'features[0]'],
    [{ features: ['drv'], entities: { driver_id: [] } }, 400, 'features[0]'],
    [{ feature_service: 'ghost', entities: { driver_id: [] } }, 404, 'feature_service'],
    [{ features: ['drv:rate'], entities: { city: [] } }, 400, 'entities.driver_id'],
    [{ features: ['drv:rate', 'city_trips:n'], entities: { driver_id: [] } }, 400, 'entities.city'],
    [{ features: ['drv:rate', 'city_trips:n'], entities: { driver_id: [], city: ['Paris'] } }, 400, 'entities.city'],
    [{ features: ['drv:rate', 'city_trips:n'], entities: { driver_id: [1], city: [] } }, 400, 'entities.city'],
    [{ features: ['drv:rate'], entities: { driver_id: [], city: 'Paris' } }, 400, 'entities.city'],
    [{ features: ['drv:rate'], entities: { driver_id: ['x'] } }, 400, 'entities.driver_id[0]'],
    [{ features: ['drv:rate'], entities: { driver_id: [] }, full_feature_names: 'yes' }, 400, 'full_feature_names'],
    [{ features: ['drv:rate'], entities: {} }, 400, 'entities'],
    [{ features: ['drv:rate'] }, 400, 'entities'],
  ];
  for (const [body, status, path] of cases) {
    const res = await online(body);
    assert.equal(res.status, status, `${JSON.stringify(body)} -> ${res.text}`);
    const problem = JSON.parse(res.text);
    assert.ok(
      problem.errors.some((e: { path: string }) => e.path === path),
      `${JSON.stringify(body)}: expected ${path}, got ${JSON.stringify(problem.errors)}`,
    );
  }
  assert.deepEqual(
    reads.filter((n) => n === 0),
    [],
  );
});
