import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { HAND_FILES, handBundle, ms } from '../offline/fixture.js';
import { ARROW, PARQUET, arrowRows, csvRows, get, parquetRows, post, postJsonTo } from '../http/historical-client.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson } from '../support/services.js';

let s: Awaited<ReturnType<typeof pipelineServer>>;
let api: string;

before(async () => {
  s = await pipelineServer(HAND_FILES, handBundle());
  for (const view of ['driver_stats', 'rider_stats']) assert.equal((await s.materialize(view)).status, 'succeeded');
  api = `${s.url}/api/v1/training-datasets`;
});
after(() => s.close());

const ENTITIES = {
  driver_id: [1, 2, 99, 1],
  rider_id: ['r1', '007', 'r1', 'nobody'],
  event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z', '2026-11-01T10:30:00Z', '2026-11-01T12:00:00.001Z'],
  label: [1, 0, 1, 0],
};
const FEATURES = ['driver_stats:rate', 'rider_stats:tier'];
// By hand from the fixture's CSVs: see test/offline/fixture.ts.
const EXPECTED = {
  driver_id: [1, 2, 99, 1],
  rider_id: ['r1', '007', 'r1', 'nobody'],
  event_timestamp: ['2026-11-01T11:00:00.000Z', '2026-11-01T10:00:00.000Z', '2026-11-01T10:30:00.000Z', '2026-11-01T12:00:00.001Z'],
  label: [1, 0, 1, 0],
  rate: [0.3, 5, null, null],
  tier: ['silver', 'bronze', 'silver', null],
};

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a saved dataset: stored as Parquet with its metadata, listed, shown, exported in every format', async () => {
  const created = await postJsonTo(api, { name: 'train_v1', description: 'first try', features: FEATURES, entities: ENTITIES });
  assert.equal(created.status, 201, Buffer.from(created.bytes).toString());
  const m = created.json();
  assert.equal(m.name, 'train_v1');
  assert.equal(m.rows, 4);
  assert.deepEqual(
    m.columns.map((c: { name: string }) => c.name),
    Object.keys(EXPECTED),
  );
  const snapshots = await s.services.runs.snapshots('driver_stats', 1);
  assert.deepEqual(
    m.featureViews.map((v: { featureView: string; version: number; ttl: number }) => [v.featureView, v.version, v.ttl]),
    [
      ['driver_stats', 1, 3600],
      ['rider_stats', 1, 0],
    ],
  );
  assert.deepEqual(
    m.featureViews[0].snapshotIds,
    snapshots.map((x) => x.id),
  );
  // Statistics, by hand: rate is [0.3, 5, null, null].
  assert.equal(m.statistics.rate.count, 4);
  assert.equal(m.statistics.rate.nulls, 2);
  assert.equal(m.statistics.rate.min, 0.3);
  assert.equal(m.statistics.rate.max, 5);
  assert.ok(Math.abs(m.statistics.rate.mean - 2.65) < 1e-12);
  assert.deepEqual(m.statistics.tier.top, [
    { value: 'silver', count: 2 },
    { value: 'bronze', count: 1 },
  ]);
  // The files are where the metadata says, with the recorded hashes; the entity copy holds the validated rows.
  const data = path.join(s.dataDir, m.data.file);
  const entities = path.join(s.dataDir, m.entities.file);
  // In a folder of this build's own under the name's (another build of the name never writes there).
  assert.match(m.data.file, /^offline\/_datasets\/train_v1\/build-[0-9a-z]+-[0-9a-f]{8}\/data\.parquet$/);
  assert.equal(path.dirname(m.entities.file), path.dirname(m.data.file));
  assert.equal(sha256(data), m.data.sha256);
  assert.equal(sha256(entities), m.entities.sha256);
  assert.ok(fs.existsSync(path.join(s.dataDir, path.dirname(m.data.file), 'metadata.json')));
  const copy = parquetRows(fs.readFileSync(entities));
  assert.deepEqual(copy.columns, ['driver_id', 'rider_id', 'event_timestamp', 'label']);
  assert.deepEqual(
    copy.rows.map((r) => r.event_timestamp),
    EXPECTED.event_timestamp.map(ms),
  );
  assert.equal(m.input.format, 'json');

  const list = (await getJson(api)).body.trainingDatasets;
  assert.deepEqual(
    list.map((d: { name: string; status: string; rows: number }) => [d.name, d.status, d.rows]),
    [['train_v1', 'ready', 4]],
  );
  assert.deepEqual((await getJson(`${api}/train_v1`)).body, m);

  assert.deepEqual((await get(`${api}/train_v1/data`)).json(), EXPECTED);
  const csv = csvRows((await get(`${api}/train_v1/data`, 'text/csv')).bytes);
  assert.deepEqual(csv.columns, Object.keys(EXPECTED));
  assert.deepEqual(csv.rows[1], ['2', '007', '2026-11-01T10:00:00.000Z', '0', '5.0', 'bronze']);
  for (const [accept, read] of [
    [ARROW, arrowRows],
    [PARQUET, parquetRows],
  ] as const) {
    const { rows } = read((await get(`${api}/train_v1/data`, accept)).bytes);
    assert.deepEqual(
      rows.map((r) => [r.driver_id, r.event_timestamp, r.rate, r.tier]),
      EXPECTED.driver_id.map((d, i) => [BigInt(d), ms(EXPECTED.event_timestamp[i]), EXPECTED.rate[i], EXPECTED.tier[i]]),
      accept,
    );
  }
});

test('rebuilding from the metadata gives the same rows after later runs changed the offline store', async () => {
  // The source gains a fresher row for driver 1 and corrects driver 2; a backfill commits a new snapshot.
  fs.writeFileSync(s.file('data/drivers.csv'), `${HAND_FILES['data/drivers.csv'].replace('2,2026-11-01T09:00:00Z,,5,50', '2,2026-11-01T09:00:00Z,,6,60')}1,2026-11-01T12:00:00Z,,0.9,9\n`);
  const run = await s.materialize('driver_stats', { start: '2026-11-01T00:00:00Z', end: '2026-11-02T00:00:00Z' });
  assert.equal(run.status, 'succeeded', run.error);
  // A fresh retrieval sees the new snapshot: driver 2 reads 6 (the later snapshot), driver 1 at 12:00:00.001 reads 0.9.
  const fresh = (await postJsonTo(`${s.url}/get-historical-features`, { features: FEATURES, entities: ENTITIES })).json();
  assert.deepEqual(fresh.rate, [0.3, 6, null, 0.9]);

  const rebuilt = await postJsonTo(`${api}/train_v1/rebuild`, {});
  assert.equal(rebuilt.status, 200, Buffer.from(rebuilt.bytes).toString());
  assert.equal(rebuilt.json().matches, true);
  assert.equal(rebuilt.json().differingRows, 0);
  assert.equal(rebuilt.json().rows, 4);
  assert.deepEqual((await get(`${api}/train_v1/data`)).json(), EXPECTED);
});

test('a rebuild notices a dataset whose stored rows no longer match', async () => {
  const created = await postJsonTo(api, { name: 'tampered', features: ['driver_stats:rate'], entities: { driver_id: [1, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z'] } });
  assert.equal(created.status, 201);
  const other = await postJsonTo(
    `${s.url}/get-historical-features`,
    { features: ['driver_stats:rate'], entities: { driver_id: [2, 2], event_timestamp: ['2026-11-01T11:00:00Z', '2026-11-01T10:00:00Z'] } },
    PARQUET,
  );
  fs.writeFileSync(path.join(s.dataDir, created.json().data.file), other.bytes);
  const report = (await postJsonTo(`${api}/tampered/rebuild`, {})).json();
  assert.equal(report.matches, false);
  // Stored now: (2 @ 11:00 -> null: 09:00 is outside the 1h ttl), (2 @ 10:00 -> 6); rebuilt: (1 @ 11:00 -> 0.3), (2 @ 10:00 -> 6).
  assert.equal(report.differingRows, 1, 'the first row differs (key, time, rate); the second is the same');
});

test('a CSV upload with ?name= saves a dataset; the upload bytes are hashed', async () => {
  const csv = 'driver_id,rider_id,event_timestamp\n1,r1,2026-11-01T11:00:00Z\n';
  const res = await post(`${api}?name=from_csv&features=driver_stats:rate,rider_stats:tier&full_feature_names=true`, csv, 'text/csv');
  assert.equal(res.status, 201, Buffer.from(res.bytes).toString());
  assert.deepEqual(res.json().input, { format: 'csv', sha256: createHash('sha256').update(csv).digest('hex') });
  assert.deepEqual((await get(`${api}/from_csv/data`)).json(), {
    driver_id: [1],
    rider_id: ['r1'],
    event_timestamp: ['2026-11-01T11:00:00.000Z'],
    driver_stats__rate: [0.3],
    rider_stats__tier: ['silver'],
  });
});

test('names: taken is a 409, invalid a 400; a failed build leaves the name free; delete removes files', async () => {
  const body = { features: ['driver_stats:rate'], entities: { driver_id: [1], event_timestamp: ['2026-11-01T11:00:00Z'] } };
  assert.equal((await postJsonTo(api, { name: 'train_v1', ...body })).status, 409);
  const bad = await postJsonTo(api, { name: 'Bad-Name', ...body });
  assert.equal(bad.status, 400);
  assert.deepEqual(
    bad.json().errors.map((e: { path: string }) => e.path),
    ['name'],
  );
  assert.equal((await postJsonTo(api, body)).status, 400);
  const failed = await postJsonTo(api, { name: 'retry_me', features: ['driver_stats:nope'], entities: body.entities });
  assert.equal(failed.status, 404);
  assert.ok(!fs.existsSync(path.join(s.dataDir, 'offline/_datasets/retry_me')));
  assert.equal((await postJsonTo(api, { name: 'retry_me', ...body })).status, 201);
  assert.equal((await fetch(`${api}/retry_me`, { method: 'DELETE' })).status, 204);
  assert.equal((await getJson(`${api}/retry_me`)).status, 404);
  assert.equal((await get(`${api}/retry_me/data`)).status, 404);
  assert.ok(!fs.existsSync(path.join(s.dataDir, 'offline/_datasets/retry_me')));
  assert.equal((await get(`${api}/train_v1/data`, 'text/html')).status, 406);
});

test('a build whose process died leaves a reservation that a later build takes over once it has gone a minute untouched', async () => {
  const body = { features: ['driver_stats:rate'], entities: { driver_id: [1], event_timestamp: ['2026-11-01T11:00:00Z'] } };
  const store = s.services.registry.datasets;
  const now = s.services.clock.now();
  // As a process killed mid-build leaves it: the name reserved, a partial file in its folder.
  const folder = path.join(s.dataDir, 'offline/_datasets/crashed');
  await store.reserve('crashed', now - 2 * 60_000, 0);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'entities.parquet'), 'half a file');
  fs.writeFileSync(path.join(folder, 'data.parquet.tmp-4242'), 'a staging file the dead build never renamed');
  // A build that is alive (reserved, or touched, within the minute: 50 s ago here) keeps the name.
  await store.reserve('busy', now - 50_000, 0);
  const busy = await postJsonTo(api, { name: 'busy', ...body });
  assert.equal(busy.status, 409);
  assert.match(busy.json().detail, /is being built/);

  const created = await postJsonTo(api, { name: 'crashed', ...body });
  assert.equal(created.status, 201, JSON.stringify(created.json()));
  const shown = (await getJson(`${api}/crashed`)).body as { entities: { file: string; sha256: string }; data: { rows: number } };
  assert.equal(shown.data.rows, 1);
  // The dead build's files are gone: the folder holds this build's folder of three, the entity copy as hashed.
  const [build] = fs.readdirSync(folder);
  assert.deepEqual(fs.readdirSync(folder), [build]);
  assert.deepEqual(fs.readdirSync(path.join(folder, build)).sort(), ['data.parquet', 'entities.parquet', 'metadata.json']);
  assert.equal(sha256(path.join(s.dataDir, shown.entities.file)), shown.entities.sha256);
  assert.deepEqual(
    parquetRows(fs.readFileSync(path.join(folder, build, 'data.parquet'))).rows.map((r) => r.rate),
    [0.3],
  );
});
