import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { TesseraError } from '../../server/errors.js';
import { connect, type EmbeddedFeatureStore, type FeatureStore, openFeatureStore } from '../../server/sdk/index.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';
import { tempDir } from '../support/temp-dir.js';

const CSV = `driver_id,ts,rate
1,2026-11-29T10:00:00Z,0.5
2,2026-11-29T11:00:00Z,
`;

const BUNDLE: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'drv', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'mean' } }] }] }],
};

const ENTITIES = { driver_id: [1], event_timestamp: ['2026-11-29T12:00:00Z'] };

let server: Awaited<ReturnType<typeof pipelineServer>>;
let embedded: EmbeddedFeatureStore;
let remote: FeatureStore;

before(async () => {
  server = await pipelineServer({ 'stats.csv': CSV }, BUNDLE);
  const run = await server.materialize('drv');
  assert.equal(run.status, 'succeeded', JSON.stringify(run));
  embedded = await openFeatureStore({ dataDir: server.dataDir });
  remote = connect(server.url);
});

after(async () => {
  await embedded?.close();
  await remote?.close();
  await server?.close();
});

/** The TesseraError `call` throws or rejects with; anything else (a TypeError, no error) fails the test. */
async function failure(call: () => unknown): Promise<TesseraError> {
  try {
    await call();
  } catch (e) {
    if (e instanceof TesseraError) return e;
    assert.fail(`expected a TesseraError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  assert.fail('expected an error, got an answer');
}

async function expectError(call: () => unknown, code: string, field: string | null): Promise<TesseraError> {
  const e = await failure(call);
  assert.equal(e.code, code, e.message);
  if (field !== null) assert.equal(e.errors[0]?.path, field, e.message);
  return e;
}

const both = () =>
  [
    ['embedded', embedded],
    ['connect', remote],
  ] as const;

// Each case: the SDK call, the field path both stores name, and the HTTP body that says the same (where there is one).
const HISTORICAL: { name: string; request: unknown; path: string; body?: unknown }[] = [
  { name: 'null', request: null, path: '(body)', body: null },
  { name: 'no request', request: undefined, path: '(body)' },
  { name: 'entities null', request: { features: ['drv:rate'], entities: null }, path: 'entities', body: { features: ['drv:rate'], entities: null } },
  { name: 'no entities', request: { features: ['drv:rate'] }, path: 'entities', body: { features: ['drv:rate'] } },
  { name: 'features a string', request: { features: 'drv:rate', entities: ENTITIES }, path: 'features', body: { features: 'drv:rate', entities: ENTITIES } },
  { name: 'features [1]', request: { features: [1], entities: ENTITIES }, path: 'features[0]', body: { features: [1], entities: ENTITIES } },
  {
    name: "fullFeatureNames 'yes'",
    request: { features: ['drv:rate'], fullFeatureNames: 'yes', entities: ENTITIES },
    path: 'full_feature_names',
    body: { features: ['drv:rate'], full_feature_names: 'yes', entities: ENTITIES },
  },
  { name: 'featureService 7', request: { featureService: 7, entities: ENTITIES }, path: 'feature_service', body: { feature_service: 7, entities: ENTITIES } },
  { name: 'an unknown field', request: { feature: ['drv:rate'], entities: ENTITIES }, path: 'feature', body: { feature: ['drv:rate'], entities: ENTITIES } },
  { name: "the HTTP API's spelling feature_service", request: { feature_service: 'drv_model', entities: ENTITIES }, path: 'feature_service' },
  { name: 'entities a string', request: { features: ['drv:rate'], entities: 'x' }, path: 'entities', body: { features: ['drv:rate'], entities: 'x' } },
];

for (const c of HISTORICAL) {
  test(`getHistoricalFeatures, ${c.name}: 'validation' naming ${c.path}, embedded and over connect(), as the HTTP route says`, async () => {
    for (const [, store] of both()) {
      const e = await expectError(() => store.getHistoricalFeatures(c.request as never), 'validation', c.path);
      if (c.path === 'feature_service' && c.body === undefined) assert.equal(e.errors[0].message, "unknown field 'feature_service' (the SDK spells it featureService)");
    }
    if (c.body !== undefined) {
      const res = await postJson(`${server.url}/get-historical-features`, JSON.stringify(c.body));
      assert.equal(res.status, 400);
      assert.equal(res.body.errors[0].path, c.path);
    }
  });
}

test('getHistoricalFeatures still answers a valid request, from both stores', async () => {
  for (const [, store] of both()) {
    const table = await store.getHistoricalFeatures({ features: ['drv:rate'], fullFeatureNames: true, entities: ENTITIES });
    assert.deepEqual(table.getChild('drv__rate')?.toArray(), Float64Array.from([0.5]));
  }
});

const TRANSFORM: { name: string; args: [unknown, unknown, unknown?]; code: string; path: string; body?: unknown }[] = [
  { name: 'rows null', args: ['drv', null], code: 'validation', path: 'rows', body: { rows: null } },
  { name: 'rows an object', args: ['drv', { a: 1 }], code: 'validation', path: 'rows', body: { rows: { a: 1 } } },
  { name: 'rows [null]', args: ['drv', [null]], code: 'validation', path: 'rows[0]', body: { rows: [null] } },
  { name: "version 'abc'", args: ['drv', [{ driver_id: 1, rate: 1 }], { version: 'abc' }], code: 'validation', path: 'version', body: { rows: [{ driver_id: 1, rate: 1 }], version: 'abc' } },
  { name: 'version 0', args: ['drv', [{ driver_id: 1, rate: 1 }], { version: 0 }], code: 'validation', path: 'version', body: { rows: [{ driver_id: 1, rate: 1 }], version: 0 } },
  { name: 'an unknown option', args: ['drv', [{ driver_id: 1, rate: 1 }], { versoin: 1 }], code: 'validation', path: 'versoin', body: { rows: [{ driver_id: 1, rate: 1 }], versoin: 1 } },
  { name: 'options a number', args: ['drv', [{ driver_id: 1, rate: 1 }], 5], code: 'validation', path: 'options' },
  { name: 'a view name that is not a string', args: [42, [{ driver_id: 1, rate: 1 }]], code: 'validation', path: 'name' },
  { name: 'an unknown view', args: ['nope', [{ driver_id: 1, rate: 1 }]], code: 'not_found', path: 'name' },
  { name: 'version 9, which does not exist', args: ['drv', [{ driver_id: 1, rate: 1 }], { version: 9 }], code: 'not_found', path: 'version' },
];

for (const c of TRANSFORM) {
  test(`transform, ${c.name}: '${c.code}' naming ${c.path}, embedded and over connect(), as the HTTP route says`, async () => {
    for (const [, store] of both()) await expectError(() => store.transform(...(c.args as [string, Record<string, unknown>[], { version?: number }])), c.code, c.path);
    if (c.body !== undefined) {
      const res = await postJson(`${server.url}/api/v1/feature-views/${c.args[0]}/transform`, c.body);
      assert.equal(res.body.errors[0].path, c.path);
    }
  });
}

test('transform with options null is a transform without options, from both stores', async () => {
  for (const [, store] of both()) {
    const answer = await store.transform('drv', [{ driver_id: 2n ** 60n, rate: null }], null as never);
    assert.deepEqual(answer.rows, [{ rate: 0.5 }]);
  }
});

test("getOnlineFeatures(null) and a key of the wrong type: 'validation' naming the field, from both stores", async () => {
  for (const [, store] of both()) {
    await expectError(() => store.getOnlineFeatures(null as never), 'validation', '(body)');
    await expectError(() => store.getOnlineFeatures({ features: ['drv:rate'], entities: { driver_id: ['x'] } }), 'validation', 'entities.driver_id[0]');
  }
  assert.throws(
    () => embedded.getOnlineFeaturesSync(undefined as never),
    (e: unknown) => e instanceof TesseraError && e.code === 'validation' && e.errors[0].path === '(body)',
  );
});

test("logPrediction(null) throws 'validation' at once, from both stores; later predictions are still logged", async () => {
  for (const [, store] of both()) {
    for (const bad of [null, undefined, 'p', [1]]) {
      assert.throws(
        () => store.logPrediction(bad as never),
        (e: unknown) => e instanceof TesseraError && e.code === 'validation' && e.errors[0].path === '(prediction)',
      );
    }
  }
  const id = remote.logPrediction({ model: 'bad_input', entity: { driver_id: 1 }, features: { rate: 0.5 }, prediction: true });
  await remote.flushPredictions();
  const logged = (await getJson(`${server.url}/api/v1/prediction-logs?model=bad_input`)).body;
  assert.deepEqual(
    logged.predictions.map((p: { id: string }) => p.id),
    [id],
  );
});

test("every call on a closed store is 'unavailable' (the feature store is closed), embedded and over connect(); close is idempotent", async () => {
  const store = await openFeatureStore({ dataDir: server.dataDir });
  const client = connect(server.url);
  await store.close();
  await store.close();
  await client.close();
  await client.close();
  const request = { features: ['drv:rate'], entities: { driver_id: [1] } };
  const closed = async (call: () => unknown) => {
    const e = await expectError(call, 'unavailable', null);
    assert.equal(e.message, 'the feature store is closed');
  };
  await closed(() => store.getOnlineFeaturesSync(request));
  for (const s of [store, client]) {
    await closed(() => s.getOnlineFeatures(request));
    await closed(() => s.getHistoricalFeatures({ features: ['drv:rate'], entities: ENTITIES }));
    await closed(() => s.transform('drv', [{ driver_id: 1, rate: 1 }]));
    await closed(() => s.logPrediction({ model: 'm', entity: { driver_id: 1 }, features: {}, prediction: 1 }));
  }
});

test("openFeatureStore without a usable dataDir: 'validation' naming dataDir", async () => {
  const file = path.join(tempDir(), 'a-file');
  fs.writeFileSync(file, 'not a directory');
  for (const options of [undefined, null, {}, { dataDir: 5 }, { dataDir: '' }, { dataDir: file }, { dataDir: path.join(file, 'below') }]) {
    await expectError(() => openFeatureStore(options as never), 'validation', 'dataDir');
  }
});

test("openFeatureStore refuses refreshMs below 10 ms (or not a whole number) and a bad maxRows: 'validation' naming the option", async () => {
  const dataDir = path.join(tempDir(), 'data');
  for (const refreshMs of [0, -1, 9, 1.5, Number.NaN, '1000', 2 ** 31]) {
    await expectError(() => openFeatureStore({ dataDir, refreshMs: refreshMs as never }), 'validation', 'refreshMs');
  }
  for (const maxRows of [0, -5, 1.5, 'many']) {
    await expectError(() => openFeatureStore({ dataDir, maxRows: maxRows as never }), 'validation', 'maxRows');
  }
  // The floor itself is fine.
  const store = await openFeatureStore({ dataDir, refreshMs: 10 });
  await store.close();
});

test("over connect(), a 2xx answer that is not what Tessera sends is 'internal', not a SyntaxError or an Arrow error", async () => {
  const fake = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/get-historical-features')) {
        res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream' });
        return void res.end('<html>a captive portal</html>');
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>a captive portal</html>');
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const client = connect(`http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
  try {
    const online = await expectError(() => client.getOnlineFeatures({ features: ['drv:rate'], entities: { driver_id: [1] } }), 'internal', null);
    assert.match(online.message, /POST \/get-online-features answered 200 with a body that is not JSON/);
    const transform = await expectError(() => client.transform('drv', [{ driver_id: 1 }]), 'internal', null);
    assert.match(transform.message, /answered 200 with a body that is not JSON/);
    const historical = await expectError(() => client.getHistoricalFeatures({ features: ['drv:rate'], entities: ENTITIES }), 'internal', null);
    assert.match(historical.message, /POST \/get-historical-features answered 200 with a body that is not Arrow IPC/);
  } finally {
    await client.close();
    fake.close();
  }
});
