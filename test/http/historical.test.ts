import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import { toParquet } from '../../server/offline/parquet-file.js';
import { HAND_FILES, handBundle, ms } from '../offline/fixture.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { ARROW, PARQUET, arrowRows, csvRows, parquetRows, post, postJsonTo } from './historical-client.js';

let s: Awaited<ReturnType<typeof pipelineServer>>;
let url: string;

before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  for (const view of ['driver_stats', 'rider_stats']) assert.equal((await s.materialize(view)).status, 'succeeded');
  url = `${s.url}/get-historical-features`;
});
after(() => s.close());

// Four entity rows and their answers, worked out by hand from the fixture's CSVs (see test/offline/fixture.ts).
const ENTITIES = {
  driver_id: [1, 2, 99, 1],
  rider_id: ['r1', '007', 'r1', 'nobody'],
  // The last as epoch ms (a number in the request), one millisecond after noon.
  event_timestamp: ['2026-11-01T12:00:00+01:00', '2026-11-01T10:00:00.000Z', '2026-11-01T10:30:00Z', ms('2026-11-01T12:00:00.001Z')],
  label: [1.5, null, -2, 0],
};
const FEATURES = ['driver_stats:rate', 'driver_stats:trips', 'rider_stats:tier'];
const TIMES = ['2026-11-01T11:00:00.000Z', '2026-11-01T10:00:00.000Z', '2026-11-01T10:30:00.000Z', '2026-11-01T12:00:00.001Z'];
const EXPECTED = {
  driver_id: [1, 2, 99, 1],
  rider_id: ['r1', '007', 'r1', 'nobody'],
  event_timestamp: TIMES,
  label: [1.5, null, -2, 0],
  rate: [0.3, 5, null, null],
  trips: [3, 50, null, null],
  tier: ['silver', 'bronze', 'silver', null],
};
const COLUMNS = Object.keys(EXPECTED);

test('JSON in, JSON out: columns in output order, timestamps normalised to Z with milliseconds', async () => {
  const res = await postJsonTo(url, { features: FEATURES, entities: ENTITIES });
  assert.equal(res.status, 200, Buffer.from(res.bytes).toString());
  assert.match(res.type, /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), COLUMNS);
  assert.deepEqual(body, EXPECTED);
});

test('CSV out: a header, an empty field for null', async () => {
  const res = await postJsonTo(url, { features: FEATURES, entities: ENTITIES }, 'text/csv');
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/csv/);
  const { columns, rows } = csvRows(res.bytes);
  assert.deepEqual(columns, COLUMNS);
  assert.deepEqual(rows, [
    ['1', 'r1', TIMES[0], '1.5', '0.3', '3', 'silver'],
    ['2', '007', TIMES[1], '', '5.0', '50', 'bronze'],
    // Doubles are written as DuckDB writes them: shortest round-trip text, always with a decimal point.
    ['99', 'r1', TIMES[2], '-2.0', '', '', 'silver'],
    ['1', 'nobody', TIMES[3], '0.0', '', '', ''],
  ]);
});

for (const [accept, read] of [
  [ARROW, arrowRows],
  [PARQUET, parquetRows],
] as const) {
  test(`${accept} out: typed columns, read back with apache-arrow/parquet-wasm`, async () => {
    const res = await postJsonTo(url, { features: FEATURES, entities: ENTITIES }, accept);
    assert.equal(res.status, 200);
    assert.equal(res.type, accept);
    const { columns, rows } = read(res.bytes);
    assert.deepEqual(columns, COLUMNS);
    assert.deepEqual(
      rows,
      EXPECTED.driver_id.map((_, i) => ({
        driver_id: BigInt(EXPECTED.driver_id[i]),
        rider_id: EXPECTED.rider_id[i],
        event_timestamp: ms(TIMES[i]),
        label: EXPECTED.label[i],
        rate: EXPECTED.rate[i],
        trips: EXPECTED.trips[i] === null ? null : BigInt(EXPECTED.trips[i]!),
        tier: EXPECTED.tier[i],
      })),
    );
  });
}

const query = `?features=${FEATURES.join(',')}`;

test('a CSV upload gives the same answer as JSON', async () => {
  const csv = `driver_id,rider_id,event_timestamp,label\n1,r1,2026-11-01T12:00:00+01:00,1.5\n2,007,2026-11-01T10:00:00.000Z,\n99,r1,2026-11-01T10:30:00Z,-2\n1,nobody,1793534400001,0\n`;
  const res = await post(url + query, csv, 'text/csv');
  assert.equal(res.status, 200, Buffer.from(res.bytes).toString());
  assert.deepEqual(res.json(), EXPECTED);
});

test('Parquet and Arrow uploads (timestamps typed or as text) give the same answer as JSON', async () => {
  const typed = new arrow.Table({
    driver_id: arrow.vectorFromArray([1n, 2n, 99n, 1n], new arrow.Int64()),
    rider_id: arrow.vectorFromArray(['r1', '007', 'r1', 'nobody'], new arrow.Utf8()),
    event_timestamp: arrow.vectorFromArray(TIMES.map(ms), new arrow.TimestampMillisecond('UTC')),
    label: arrow.vectorFromArray([1.5, null, -2, 0], new arrow.Float64()),
  });
  const text = new arrow.Table({
    driver_id: arrow.vectorFromArray([1, 2, 99, 1], new arrow.Int32()),
    rider_id: arrow.vectorFromArray(['r1', '007', 'r1', 'nobody'], new arrow.Utf8()),
    event_timestamp: arrow.vectorFromArray(['2026-11-01T12:00:00+01:00', '2026-11-01T10:00:00Z', '2026-11-01 10:30:00', '1793534400001'], new arrow.Utf8()),
    label: arrow.vectorFromArray([1.5, null, -2, 0], new arrow.Float64()),
  });
  for (const table of [typed, text]) {
    for (const [type, bytes] of [
      [PARQUET, toParquet(table)],
      [ARROW, arrow.tableToIPC(table, 'stream')],
      ['application/vnd.apache.arrow.file', arrow.tableToIPC(table, 'file')],
    ] as const) {
      const res = await post(url + query, bytes, type);
      assert.equal(res.status, 200, `${type}: ${Buffer.from(res.bytes).toString()}`);
      assert.deepEqual(res.json(), EXPECTED, type);
    }
  }
});

test('full_feature_names and feature_service work in the query string of an upload', async () => {
  const csv = `driver_id,rider_id,event_timestamp\n1,r1,2026-11-01T11:00:00Z\n`;
  const res = await post(`${url}?feature_service=driver_model&full_feature_names=true`, csv, 'text/csv');
  assert.equal(res.status, 200, Buffer.from(res.bytes).toString());
  assert.deepEqual(res.json(), {
    driver_id: [1],
    rider_id: ['r1'],
    event_timestamp: ['2026-11-01T11:00:00.000Z'],
    driver_stats__rate: [0.3],
    rider_stats__score: [2.5],
    rider_stats__tier: ['silver'],
  });
});

test('an empty entity set is an empty answer with the right columns, in every format', async () => {
  const body = { features: ['driver_stats:rate', 'rider_stats:tier'], entities: { driver_id: [], rider_id: [], event_timestamp: [] } };
  const json = await postJsonTo(url, body);
  assert.equal(json.status, 200);
  assert.deepEqual(json.json(), { driver_id: [], rider_id: [], event_timestamp: [], rate: [], tier: [] });
  const csv = await postJsonTo(url, body, 'text/csv');
  assert.deepEqual(csvRows(csv.bytes), { columns: ['driver_id', 'rider_id', 'event_timestamp', 'rate', 'tier'], rows: [] });
  for (const [accept, read] of [
    [ARROW, arrowRows],
    [PARQUET, parquetRows],
  ] as const) {
    const res = await postJsonTo(url, body, accept);
    assert.equal(res.status, 200);
    assert.deepEqual(read(res.bytes), { columns: ['driver_id', 'rider_id', 'event_timestamp', 'rate', 'tier'], rows: [] }, accept);
  }
  const upload = await post(`${url}?features=driver_stats:rate`, 'driver_id,event_timestamp\n', 'text/csv');
  assert.equal(upload.status, 200, Buffer.from(upload.bytes).toString());
  assert.deepEqual(upload.json(), { driver_id: [], event_timestamp: [], rate: [] });
});

test('{start, end} without entities reads one row per key and event time of one view in (start, end]', async () => {
  const res = await postJsonTo(url, { features: ['driver_stats:rate'], start: '2026-11-01T10:00:00Z', end: '2026-11-01T11:00:00Z' });
  assert.equal(res.status, 200, Buffer.from(res.bytes).toString());
  // 10:00 rows are at the start (excluded); of driver 1's three 11:00 rows, the greatest created time wins.
  assert.deepEqual(res.json(), {
    driver_id: [1],
    event_timestamp: ['2026-11-01T11:00:00.000Z'],
    created_timestamp: ['2026-11-01T11:00:09.000Z'],
    rate: [0.3],
  });
});
