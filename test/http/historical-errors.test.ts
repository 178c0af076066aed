import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { toParquet } from '../../server/offline/parquet-file.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { type Answer, ARROW, PARQUET, post, postJsonTo } from './historical-client.js';

const CSV = `driver_id,ts,rate\n1,2026-11-01T10:00:00Z,0.5\n`;

function bundle(): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'src', type: 'csv', path: 'data/d.csv', timestampField: 'ts' }],
    featureViews: [
      { name: 'first', entities: ['driver'], source: 'src', features: [{ name: 'rate', type: 'float64' }] },
      { name: 'second', entities: ['driver'], source: 'src', features: [{ name: 'rate', type: 'float64' }] },
    ],
  };
}

let s: Awaited<ReturnType<typeof pipelineServer>>;
let url: string;

before(async () => {
  s = await pipelineServer({ 'data/d.csv': CSV }, bundle(), { uploadLimit: 4096 });
  assert.equal((await s.materialize('first')).status, 'succeeded');
  url = `${s.url}/get-historical-features`;
});
after(() => s.close());

/** A 4xx problem document naming exactly these paths (and never a 500). */
function problem(res: Answer, status: number, paths: string[]): void {
  const body = res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.match(res.type, /^application\/problem\+json/);
  assert.deepEqual(
    body.errors.map((e: { path: string }) => e.path),
    paths,
    JSON.stringify(body),
  );
}

const ok = { driver_id: [1, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T11:00:00Z'] };

test('missing join key or timestamp columns are named', async () => {
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { event_timestamp: ok.event_timestamp } }), 400, ['entities.driver_id']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1] } }), 400, ['entities.event_timestamp']);
  problem(await post(`${url}?features=first:rate`, 'id,event_timestamp\n1,2026-11-01\n', 'text/csv'), 400, ['entities.driver_id']);
});

test('unparseable timestamps and keys name the row, in JSON and in uploads', async () => {
  const ts = ['2026-11-01T11:00:00Z', 1793534400000, '2026-11-01', 'next tuesday', null];
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 1, 1, 1, 1], event_timestamp: ts } }), 400, ['entities.event_timestamp[3]', 'entities.event_timestamp[4]']);
  problem(await post(`${url}?features=first:rate`, 'driver_id,event_timestamp\n1,2026-11-01\n2,2026-13-01\n', 'text/csv'), 400, ['entities.event_timestamp[1]']);
  // JSON keys are read as online reads and push read them: every bad row is named.
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 'abc', '2.5'], event_timestamp: ts.slice(0, 3) } }), 400, ['entities.driver_id[1]', 'entities.driver_id[2]']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, '2.5'], event_timestamp: ts.slice(0, 2) } }), 400, ['entities.driver_id[1]']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 2.5], event_timestamp: ts.slice(0, 2) } }), 400, ['entities.driver_id[1]']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 2], event_timestamp: ts.slice(0, 2), label: [1, { nested: true }] } }), 400, ['entities.label[1]']);
});

test('uploads name every bad row of every column, as JSON does, up to 20 in all', async () => {
  const at = (column: string, rows: number[]) => rows.map((i) => `entities.${column}[${i}]`);
  // Rows 1, 3 and 4 have bad keys, rows 2 and 4 bad timestamps: columns in input order, rows in order.
  const expected = [...at('driver_id', [1, 3, 4]), ...at('event_timestamp', [2, 4])];
  const json = { driver_id: [1, 'abc', 1, '2.5', 'x'], event_timestamp: ['2026-11-01', '2026-11-01', 'next tuesday', '2026-11-01', null] };
  problem(await postJsonTo(url, { features: ['first:rate'], entities: json }), 400, expected);
  problem(await post(`${url}?features=first:rate`, 'driver_id,event_timestamp\n1,2026-11-01\nabc,2026-11-01\n1,next tuesday\n2.5,2026-11-01\nx,\n', 'text/csv'), 400, expected);
  // Typed columns: doubles that are no integer key, an epoch time out of range.
  const table = new arrow.Table({
    driver_id: arrow.vectorFromArray([1, 2.5, 3.5, 4], new arrow.Float64()),
    event_timestamp: arrow.vectorFromArray([8_640_000_000_000_000n, 1_793_534_400_000n, 1_793_534_400_000n, 8_640_000_000_000_000n], new arrow.Int64()),
  });
  const typed = [...at('driver_id', [1, 2]), ...at('event_timestamp', [0, 3])];
  problem(await post(`${url}?features=first:rate`, toParquet(table), PARQUET), 400, typed);
  problem(await post(`${url}?features=first:rate`, arrow.tableToIPC(table, 'stream'), ARROW), 400, typed);
  // 25 bad keys: the first 20 are named, in JSON and in a CSV alike.
  const many = Array.from({ length: 25 }, (_, i) => `k${i}`);
  const twenty = at('driver_id', [...Array(20).keys()]);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: many, event_timestamp: many.map(() => '2026-11-01') } }), 400, twenty);
  problem(await post(`${url}?features=first:rate`, `driver_id,event_timestamp\n${many.map((k) => `${k},2026-11-01\n`).join('')}`, 'text/csv'), 400, twenty);
});

test('entity times outside years 0001-9999 UTC name the row in JSON, CSV and Parquet (typed or epoch ms); a range end does too', async () => {
  const json = { driver_id: [1, 1, 1, 1, 1], event_timestamp: ['2026-11-01T11:00:00Z', 8.64e15, '0000-12-31T23:59:59Z', -62_135_596_800_001, '9999-12-31T23:59:59.999Z'] };
  problem(await postJsonTo(url, { features: ['first:rate'], entities: json }), 400, ['entities.event_timestamp[1]', 'entities.event_timestamp[2]', 'entities.event_timestamp[3]']);
  const message = (await postJsonTo(url, { features: ['first:rate'], entities: json })).json().errors[0].message;
  assert.match(message, /^8640000000000000 is not a timestamp: .*years 0001-9999 UTC$/);
  problem(await post(`${url}?features=first:rate`, 'driver_id,event_timestamp\n1,2026-11-01\n1,9999-12-31T23:30:00-01:00\n1,8640000000000000\n', 'text/csv'), 400, [
    'entities.event_timestamp[1]',
    'entities.event_timestamp[2]',
  ]);
  const typed = toParquet(
    new arrow.Table({
      driver_id: arrow.vectorFromArray([1n, 1n], new arrow.Int64()),
      event_timestamp: arrow.vectorFromArray([Date.parse('2026-11-01T11:00:00Z'), 8.64e15], new arrow.TimestampMillisecond('UTC')),
    }),
  );
  problem(await post(`${url}?features=first:rate`, typed, PARQUET), 400, ['entities.event_timestamp[1]']);
  const epochs = toParquet(
    new arrow.Table({
      driver_id: arrow.vectorFromArray([1n, 1n], new arrow.Int64()),
      event_timestamp: arrow.vectorFromArray([253_402_300_799_999n, 253_402_300_800_000n], new arrow.Int64()),
    }),
  );
  problem(await post(`${url}?features=first:rate`, epochs, PARQUET), 400, ['entities.event_timestamp[1]']);
  problem(await postJsonTo(url, { features: ['first:rate'], start: '2026-11-01', end: 8.64e15 }), 400, ['end']);
});

test('unknown features are 404s naming the reference; a clash without full_feature_names is a 400', async () => {
  problem(await postJsonTo(url, { features: ['first:rate', 'first:speed'], entities: ok }), 404, ['features[1]']);
  problem(await postJsonTo(url, { features: ['nope:rate'], entities: ok }), 404, ['features[0]']);
  problem(await postJsonTo(url, { features: ['first:rate', 'second:rate'], entities: ok }), 400, ['features[1]']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { ...ok, rate: [1, 2] } }), 400, ['entities.rate']);
  problem(await postJsonTo(url, { feature_service: 'nope', entities: ok }), 404, ['feature_service']);
  const both = await postJsonTo(url, { features: ['first:rate', 'second:rate'], entities: ok, full_feature_names: true });
  assert.equal(both.status, 200);
  assert.deepEqual(both.json(), { ...ok, event_timestamp: ['2026-11-01T11:00:00.000Z', '2026-11-01T11:00:00.000Z'], first__rate: [0.5, null], second__rate: [null, null] });
});

test('lists of unequal length name the column', async () => {
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 2, 3], event_timestamp: ok.event_timestamp } }), 400, ['entities.driver_id']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: 1, event_timestamp: ok.event_timestamp } }), 400, ['entities.driver_id']);
});

test('malformed uploads are 400s, not 500s', async () => {
  problem(await post(`${url}?features=first:rate`, 'driver_id,event_timestamp\n1,2026-11-01,extra\n', 'text/csv'), 400, ['(body)']);
  problem(await post(`${url}?features=first:rate`, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), PARQUET), 400, ['(body)']);
  problem(await post(`${url}?features=first:rate`, new Uint8Array([80, 65, 82, 49, 0, 0, 0, 0, 80, 65, 82, 49]), PARQUET), 400, ['(body)']);
  problem(await post(`${url}?features=first:rate`, new Uint8Array([255, 255, 255, 255, 1, 0, 0, 0]), ARROW), 400, ['(body)']);
  problem(await post(url, '{"features": [', 'application/json'), 400, ['(body)']);
  problem(await post(url, '', 'application/json'), 400, ['(body)']);
  problem(await post(`${url}?features=first:rate&colour=red`, 'driver_id,event_timestamp\n', 'text/csv'), 400, ['(query) colour']);
  problem(await post(`${url}?features=first:rate`, `driver_id,event_timestamp\n${'1,2026-11-01\n'.repeat(400)}`, 'text/csv'), 413, ['(body)']);
});

test('wrong content type is a 415, an answer format nobody offers a 406', async () => {
  problem(await post(url, 'driver_id=1', 'text/plain'), 415, ['(header) content-type']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: ok }, 'text/html'), 406, ['(header) accept']);
});

test('{start, end} reads one view, needs both ends in order, and excludes entities', async () => {
  problem(await postJsonTo(url, { features: ['first:rate', 'second:rate'], start: '2026-11-01', end: '2026-11-02', full_feature_names: true }), 400, ['features']);
  problem(await postJsonTo(url, { features: ['first:rate'], start: '2026-11-02', end: '2026-11-01' }), 400, ['start']);
  problem(await postJsonTo(url, { features: ['first:rate'], start: '2026-11-01' }), 400, ['end']);
  problem(await postJsonTo(url, { features: ['first:rate'], start: 'soon', end: '2026-11-01' }), 400, ['start']);
  problem(await postJsonTo(url, { features: ['first:rate'], start: '2026-11-01', end: '2026-11-02', entities: ok }), 400, ['start']);
  problem(await postJsonTo(url, { features: ['first:rate'] }), 400, ['entities']);
  problem(await postJsonTo(url, { features: ['first:rate'], entities: {} }), 400, ['entities']);
});

test('a view never materialized answers nulls, not an error', async () => {
  const res = await postJsonTo(url, { features: ['second:rate'], entities: ok });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json().rate, [null, null]);
});

test('a fraction of a millisecond goes to the earlier millisecond: half a ms before year 0001 is outside, in JSON and in a Parquet of doubles', async () => {
  const before1 = -62_135_596_800_000.5;
  problem(await postJsonTo(url, { features: ['first:rate'], entities: { driver_id: [1, 1], event_timestamp: ['2026-11-01T11:00:00Z', before1] } }), 400, ['entities.event_timestamp[1]']);
  const doubles = toParquet(
    new arrow.Table({
      driver_id: arrow.vectorFromArray([1n, 1n], new arrow.Int64()),
      event_timestamp: arrow.vectorFromArray([Date.parse('2026-11-01T11:00:00Z'), before1], new arrow.Float64()),
    }),
  );
  problem(await post(`${url}?features=first:rate`, doubles, PARQUET), 400, ['entities.event_timestamp[1]']);
});
