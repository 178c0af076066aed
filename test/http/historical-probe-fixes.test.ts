import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as arrow from '../../server/vendor/arrow.cjs';
import type { BundleInput } from '../../server/domain/bundle.js';
import { toParquet } from '../../server/offline/parquet-file.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { type Answer, PARQUET, csvRows, get, post, postJsonTo } from './historical-client.js';

// Answers a running server got wrong when probed: a 500 for entity columns whose names differ from a
// feature column's only in case, a 500 saving a dataset from empty JSON columns, and label columns of
// Parquet uploads (DECIMAL, DATE, TIME, UUID) in JSON answers.

// The test clock is 2026-11-29T12:00:00Z. car_type counts: suv 2, sedan 1, so the one-hot columns are
// car_type__suv, car_type__sedan (most frequent first).
const CSV = `driver_id,ts,conv_rate,car_type
1001,2026-11-28T09:00:00Z,0.25,suv
1001,2026-11-28T10:00:00Z,0.5,sedan
1002,2026-11-28T10:00:00Z,0.75,suv
`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' }],
  featureViews: [
    {
      name: 'driver_hourly_stats',
      entities: ['driver'],
      source: 'stats',
      features: [
        { name: 'conv_rate', type: 'float64' },
        { name: 'car_type', type: 'string', transforms: [{ encode: { method: 'onehot' } }] },
      ],
    },
  ],
  featureServices: [{ name: 'model', features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:car_type'] }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
let historical: string;
let datasets: string;

before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV }, bundle);
  assert.equal((await s.materialize('driver_hourly_stats')).status, 'succeeded');
  historical = `${s.url}/get-historical-features`;
  datasets = `${s.url}/api/v1/training-datasets`;
});
after(() => s.close());

const text = (res: Answer) => Buffer.from(res.bytes).toString();

/** A 400 problem document naming exactly these paths (and never a 500). */
function problem(res: Answer, paths: string[]): void {
  assert.equal(res.status, 400, text(res));
  assert.deepEqual(
    res.json().errors.map((e: { path: string }) => e.path),
    paths,
    text(res),
  );
}

/** A Parquet file written by DuckDB from `select`, as bytes (uploads of typed columns). */
async function duckParquet(select: string): Promise<Uint8Array> {
  const file = path.join(tempDir(), 'upload.parquet');
  await duckRows(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  return fs.readFileSync(file);
}

const AT = '2026-11-29T10:00:00Z';

test('an entity column named like a feature column in another case is a 400 naming it, on both routes and in every upload format', async () => {
  // DuckDB's names ignore case: without the check, it renamed the feature column conv_rate_1 and the answer failed with a 500.
  const cases: { ask: Record<string, unknown>; query: string; column: string }[] = [
    { ask: { features: ['driver_hourly_stats:conv_rate'] }, query: 'features=driver_hourly_stats:conv_rate', column: 'CONV_RATE' },
    {
      ask: { features: ['driver_hourly_stats:conv_rate'], full_feature_names: true },
      query: 'features=driver_hourly_stats:conv_rate&full_feature_names=true',
      column: 'Driver_Hourly_Stats__Conv_Rate',
    },
    { ask: { feature_service: 'model' }, query: 'feature_service=model', column: 'Car_Type__Suv' },
    // The exact-case clash was a 400 before: it stays one.
    { ask: { features: ['driver_hourly_stats:conv_rate'] }, query: 'features=driver_hourly_stats:conv_rate', column: 'conv_rate' },
  ];
  for (const { ask, query, column } of cases) {
    const entities = { driver_id: [1001], event_timestamp: [AT], [column]: [1] };
    const csv = `driver_id,event_timestamp,${column}\n1001,${AT},1\n`;
    const parquet = toParquet(
      new arrow.Table({
        driver_id: arrow.vectorFromArray([1001n], new arrow.Int64()),
        event_timestamp: arrow.vectorFromArray([Date.parse(AT)], new arrow.TimestampMillisecond('UTC')),
        [column]: arrow.vectorFromArray([1n], new arrow.Int64()),
      }),
    );
    const paths = [`entities.${column}`];
    problem(await postJsonTo(historical, { ...ask, entities }), paths);
    problem(await post(`${historical}?${query}`, csv, 'text/csv'), paths);
    problem(await post(`${historical}?${query}`, parquet, PARQUET), paths);
    problem(await postJsonTo(datasets, { name: 'clash', ...ask, entities }), paths);
    problem(await post(`${datasets}?name=clash&${query}`, csv, 'text/csv'), paths);
    problem(await post(`${datasets}?name=clash&${query}`, parquet, PARQUET), paths);
  }
  const message = (await postJsonTo(historical, { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001], event_timestamp: [AT], CONV_RATE: [1] } })).json().errors[0].message;
  assert.equal(message, "clashes with the feature column 'conv_rate' (column names ignore case); rename the entity column or ask with full_feature_names");
  // The failed builds left the name free and nothing on disk.
  assert.ok(!fs.existsSync(path.join(s.dataDir, 'offline/_datasets/clash')));
  const saved = await postJsonTo(datasets, { name: 'clash', features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001], event_timestamp: [AT], label: [1] } });
  assert.equal(saved.status, 201, text(saved));
});

test('entity columns that do not clash in any case still come back beside the features', async () => {
  const res = await postJsonTo(historical, { feature_service: 'model', entities: { driver_id: [1001], event_timestamp: [AT], conv: [1], car_type: ['x'] } });
  assert.equal(res.status, 200, text(res));
  // By hand: driver 1001's latest row before 29T10 is 28T10 (0.5, sedan).
  assert.deepEqual(res.json(), {
    driver_id: [1001],
    event_timestamp: ['2026-11-29T10:00:00.000Z'],
    conv: [1],
    car_type: ['x'],
    conv_rate: [0.5],
    car_type__suv: [0],
    car_type__sedan: [1],
  });
});

test('a dataset saved from empty JSON entity columns is an empty dataset', async () => {
  // Empty JSON columns carry no type: the int64 key arrives as text. The kept entity copy (keys as BIGINT)
  // was written over the raw entity file, and the join then read the key's text SQL against a BIGINT.
  const created = await postJsonTo(datasets, { name: 'ds_e4', features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [], event_timestamp: [] } });
  assert.equal(created.status, 201, text(created));
  const m = created.json();
  assert.equal(m.rows, 0);
  assert.deepEqual(
    m.columns.map((c: { name: string }) => c.name),
    ['driver_id', 'event_timestamp', 'conv_rate'],
  );
  assert.deepEqual((await get(`${datasets}/ds_e4/data`)).json(), { driver_id: [], event_timestamp: [], conv_rate: [] });
  assert.deepEqual(csvRows((await get(`${datasets}/ds_e4/data`, 'text/csv')).bytes), { columns: ['driver_id', 'event_timestamp', 'conv_rate'], rows: [] });
  // The stored entity rows rebuild the same (empty) answer.
  const rebuilt = await postJsonTo(`${datasets}/ds_e4/rebuild`, {});
  assert.equal(rebuilt.status, 200, text(rebuilt));
  assert.equal(rebuilt.json().matches, true);
  // With a label column too, and through the empty CSV upload that already worked.
  const labelled = await postJsonTo(datasets, { name: 'ds_e5', features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [], event_timestamp: [], label: [] } });
  assert.equal(labelled.status, 201, text(labelled));
  assert.deepEqual((await get(`${datasets}/ds_e5/data`)).json(), { driver_id: [], event_timestamp: [], label: [], conv_rate: [] });
  const csv = await post(`${datasets}?name=ds_e6&features=driver_hourly_stats:conv_rate`, 'driver_id,event_timestamp\n', 'text/csv');
  assert.equal(csv.status, 201, text(csv));
});

test('a dataset saved from JSON int64 keys given as text (or numbers and text) has the same rows as the answer', async () => {
  const body = { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: ['1001', 1002, '+1001'], event_timestamp: [AT, AT, '2026-11-28T09:30:00Z'] } };
  const answer = await postJsonTo(historical, body);
  assert.equal(answer.status, 200, text(answer));
  // By hand: 1001 at 29T10 -> 28T10 (0.5); 1002 -> 28T10 (0.75); 1001 at 28T09:30 -> 28T09 (0.25).
  const expected = {
    driver_id: [1001, 1002, 1001],
    event_timestamp: ['2026-11-29T10:00:00.000Z', '2026-11-29T10:00:00.000Z', '2026-11-28T09:30:00.000Z'],
    conv_rate: [0.5, 0.75, 0.25],
  };
  assert.deepEqual(answer.json(), expected);
  const created = await postJsonTo(datasets, { name: 'text_keys', ...body });
  assert.equal(created.status, 201, text(created));
  assert.deepEqual((await get(`${datasets}/text_keys/data`)).json(), expected);
  const rebuilt = await postJsonTo(`${datasets}/text_keys/rebuild`, {});
  assert.equal(rebuilt.json().matches, true, text(rebuilt));
});

test('DECIMAL, DATE, TIME and UUID labels of a Parquet upload: exact decimals, ISO dates and times, canonical UUIDs in JSON', async () => {
  const parquet = await duckParquet(`
    SELECT * FROM (VALUES
      (1001::BIGINT, TIMESTAMPTZ '2026-11-29 10:00:00+00', 1.5::DECIMAL(10,2), (-0.05)::DECIMAL(4,2), 12345678901234567890.1234567891::DECIMAL(38,10), DATE '2026-11-01', TIME '10:11:12.5', UUID '123e4567-e89b-12d3-a456-426614174000'),
      (1002::BIGINT, TIMESTAMPTZ '2026-11-28 09:30:00+00', NULL, 7::DECIMAL(4,2), (-1.5)::DECIMAL(38,10), DATE '1969-12-31', TIME '00:00:00', UUID 'ffffffff-0000-0000-0000-00000000000a'),
      (1001::BIGINT, TIMESTAMPTZ '2026-11-28 09:30:00+00', 0::DECIMAL(10,2), 0::DECIMAL(4,2), NULL, NULL, NULL, NULL)
    ) AS t(driver_id, event_timestamp, lbl, small, wide, day, "at", id)`);
  const res = await post(`${historical}?features=driver_hourly_stats:conv_rate`, parquet, PARQUET);
  assert.equal(res.status, 200, text(res));
  // The exact digits, as CSV writes them: JSON numbers with the decimal's scale, never its unscaled integer.
  const body = text(res);
  assert.ok(body.includes('"lbl":[1.50,null,0.00]'), body);
  assert.ok(body.includes('"small":[-0.05,7.00,0.00]'), body);
  assert.ok(body.includes('"wide":[12345678901234567890.1234567891,-1.5000000000,null]'), body);
  // By hand: 1001 at 29T10 -> its 28T10 row (0.5); 1002 at 28T09:30 -> nothing yet; 1001 at 28T09:30 -> 28T09 (0.25).
  assert.deepEqual(res.json(), {
    driver_id: [1001, 1002, 1001],
    event_timestamp: ['2026-11-29T10:00:00.000Z', '2026-11-28T09:30:00.000Z', '2026-11-28T09:30:00.000Z'],
    lbl: [1.5, null, 0],
    small: [-0.05, 7, 0],
    // JSON.parse rounds the 30 digits to a double; the text above has them all.
    wide: [Number('12345678901234567890.1234567891'), -1.5, null],
    day: ['2026-11-01', '1969-12-31', null],
    at: ['10:11:12.500000', '00:00:00', null],
    id: ['123e4567-e89b-12d3-a456-426614174000', 'ffffffff-0000-0000-0000-00000000000a', null],
    conv_rate: [0.5, null, 0.25],
  });
  // CSV was right already for the decimals (it is the reference for their text); a DATE is the same day as in JSON.
  const csv = csvRows((await post(`${historical}?features=driver_hourly_stats:conv_rate`, parquet, PARQUET, 'text/csv')).bytes);
  assert.deepEqual(
    csv.rows.map((r) => ['lbl', 'small', 'wide', 'day', 'event_timestamp'].map((c) => r[csv.columns.indexOf(c)])),
    [
      ['1.50', '-0.05', '12345678901234567890.1234567891', '2026-11-01', '2026-11-29T10:00:00.000Z'],
      ['', '7.00', '-1.5000000000', '1969-12-31', '2026-11-28T09:30:00.000Z'],
      ['0.00', '0.00', '', '', '2026-11-28T09:30:00.000Z'],
    ],
  );
});
