import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { duckRows } from '../support/duckdb.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson, testServer } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

const CSV = `driver_id,ts,created,rate,trips,kind
1,2026-11-01T00:00:00Z,2026-11-01T00:00:01Z,1,10,a
2,2026-11-01T00:00:00Z,,,20,b
1,2026-11-02T00:00:00Z,2026-11-02T00:00:01Z,4,,a
3,2026-11-02T12:00:00+02:00,,3,30,
`;

function bundle(extra: Partial<BundleInput> = {}): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts', createdTimestampField: 'created' }],
    featureViews: [
      {
        name: 'stats_view',
        entities: ['driver'],
        source: 'stats',
        features: [
          { name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'median' } }, { scale: { method: 'standard' } }] },
          { name: 'trips', type: 'int64', transforms: [{ impute: { strategy: 'mean' } }] },
          { name: 'kind', type: 'string', transforms: [{ encode: { method: 'onehot', unknown: 'other' } }] },
          { name: 'rate_raw', type: 'float64', from: 'rate' },
        ],
      },
    ],
    ...extra,
  };
}

const ms = (s: string) => Date.parse(s);

test('a run writes exactly the transformed rows, read back by DuckDB', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle());
  try {
    const run = await s.materialize('stats_view');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsIn, 4);
    assert.equal(run.rowsOut, 4);
    assert.equal(run.rowsRejected, 0);
    assert.ok(run.steps.some((st: { name: string }) => st.name === 'fit'));

    // By hand: rate's non-null values [1, 4, 3] have median 3; imputed [1, 3, 4, 3] have mean 2.75
    // and population std sqrt(((1-2.75)^2 + (3-2.75)^2 + (4-2.75)^2 + (3-2.75)^2) / 4) = sqrt(1.1875).
    // trips is int64 with mean imputation, so it comes out float64: [10, 20, (mean 20), 30].
    const std = Math.sqrt(1.1875);
    const z = (x: number) => (x - 2.75) / std;
    const rows = await duckRows(
      `SELECT driver_id, epoch_ms(event_timestamp) AS ts, epoch_ms(created_timestamp) AS created, rate, trips, kind__a, kind__b, kind__other, rate_raw
       FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet') ORDER BY ts, driver_id`,
    );
    const expected = [
      { driver_id: 1n, ts: BigInt(ms('2026-11-01T00:00:00Z')), created: BigInt(ms('2026-11-01T00:00:01Z')), rate: z(1), trips: 10, kind__a: 1n, kind__b: 0n, kind__other: 0n, rate_raw: 1 },
      { driver_id: 2n, ts: BigInt(ms('2026-11-01T00:00:00Z')), created: null, rate: z(3), trips: 20, kind__a: 0n, kind__b: 1n, kind__other: 0n, rate_raw: null },
      { driver_id: 1n, ts: BigInt(ms('2026-11-02T00:00:00Z')), created: BigInt(ms('2026-11-02T00:00:01Z')), rate: z(4), trips: 20, kind__a: 1n, kind__b: 0n, kind__other: 0n, rate_raw: 4 },
      { driver_id: 3n, ts: BigInt(ms('2026-11-02T10:00:00Z')), created: null, rate: z(3), trips: 30, kind__a: 0n, kind__b: 0n, kind__other: 0n, rate_raw: 3 },
    ];
    assert.equal(rows.length, expected.length);
    rows.forEach((row, i) => {
      for (const [k, v] of Object.entries(expected[i])) {
        if (typeof v === 'number') assert.ok(Math.abs((row[k] as number) - v) < 1e-12, `row ${i} ${k}: ${String(row[k])} != ${v}`);
        else assert.equal(row[k], v, `row ${i} ${k}`);
      }
    });
    // One folder per run, one file for its rows whatever days they span (docs/offline-layout.md).
    assert.deepEqual(fs.readdirSync(path.join(s.dataDir, 'offline/stats_view/v1')), [`run=${run.id}`]);
    assert.deepEqual(fs.readdirSync(path.join(s.dataDir, `offline/stats_view/v1/run=${run.id}`)), ['part-0.parquet']);
    // Parquet timestamps are TIMESTAMP WITH TIME ZONE (UTC-adjusted).
    const types = await duckRows(`DESCRIBE SELECT * FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet')`);
    assert.equal(types.find((t) => t.column_name === 'event_timestamp')!.column_type, 'TIMESTAMP WITH TIME ZONE');

    // The fitted state and snapshot are visible in the API.
    const version = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body;
    assert.deepEqual(version.fittedState.features.rate, [{ value: 3 }, { mean: 2.75, std }]);
    assert.deepEqual(version.fittedState.features.kind[0].categories, ['a', 'b']);
    assert.deepEqual(
      version.outputSchema.map((c: { name: string }) => c.name),
      ['rate', 'trips', 'kind__a', 'kind__b', 'kind__other', 'rate_raw'],
    );
    assert.equal(version.snapshots.length, 1);
    assert.equal(version.snapshots[0].rows, 4);
    const stats = version.snapshots[0].statistics;
    assert.equal(stats.trips.mean, 20);
    assert.equal(stats.trips.min, 10);
    assert.equal(stats.trips.max, 30);
    assert.equal(stats.rate_raw.nulls, 1);
    assert.equal(stats.rate_raw.count, 4);
    assert.deepEqual(stats.kind__a.top, [
      { value: 0, count: 2 },
      { value: 1, count: 2 },
    ]);
    assert.equal(
      stats.rate.histogram.counts.reduce((a: number, b: number) => a + b, 0),
      4,
    );
  } finally {
    await s.close();
  }
});

test('incremental runs read only new rows and keep the fitted state; a backfill re-reads a window', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle());
  try {
    await s.materialize('stats_view');
    const state = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body.fittedState;
    // New rows land later; the clock moves past them.
    // One row after the watermark, one late row before it, one in the future.
    fs.appendFileSync(s.file('data/stats.csv'), '2,2026-11-03T00:00:00Z,,10,40,c\n4,2026-11-29T12:30:00Z,,1,1,a\n5,2026-11-30T00:00:00Z,,1,1,a\n');
    s.services.clock.set(ms('2026-11-29T13:00:00Z'));
    const second = await s.materialize('stats_view');
    assert.equal(second.status, 'succeeded', second.error);
    assert.equal(second.rowsIn, 1, 'only the row after the watermark and up to now');
    assert.equal(second.window.start, '2026-11-29T12:00:00.000Z');
    const after = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body;
    assert.deepEqual(after.fittedState, state, 'the state is fitted once per version');
    assert.equal(after.snapshots.length, 2);
    // The late row (2026-11-03) is before the watermark (the first run read up to 2026-11-29T12:00),
    // so incremental runs miss it: a backfill over its window picks it up.
    const rows = await duckRows(`SELECT driver_id, rate, kind__other FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet') WHERE driver_id = 2 ORDER BY event_timestamp`);
    assert.equal(rows.length, 1);
    const backfill = await s.materialize('stats_view', { start: '2026-11-02T23:00:00Z', end: '2026-11-04T00:00:00Z' });
    assert.equal(backfill.status, 'succeeded', backfill.error);
    assert.equal(backfill.rowsIn, 1);
    const withBackfill = await duckRows(`SELECT rate, kind__other FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet') WHERE driver_id = 2 ORDER BY event_timestamp`);
    assert.equal(withBackfill.length, 2);
    // Transformed with the frozen state: (10 - 2.75) / sqrt(1.1875); 'c' is unseen -> the other column.
    assert.ok(Math.abs((withBackfill[1].rate as number) - (10 - 2.75) / Math.sqrt(1.1875)) < 1e-12);
    assert.equal(withBackfill[1].kind__other, 1n);
  } finally {
    await s.close();
  }
});

test('rows that cannot be coerced are counted per reason and kept in a rejects file', async () => {
  const csv = `driver_id,ts,created,rate,trips,kind
1,2026-11-01T00:00:00Z,,1.5,10,a
x,2026-11-01T00:00:00Z,,2,10,a
2,yesterday,,2,10,a
3,2026-11-01T00:00:00Z,,fast,10,a
4,2026-11-01T00:00:00Z,,2,1.5,a
,2026-11-01T00:00:00Z,,2,1,a
`;
  const s = await pipelineServer({ 'data/stats.csv': csv }, bundle());
  try {
    const run = await s.materialize('stats_view');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsIn, 6);
    assert.equal(run.rowsOut, 1);
    assert.equal(run.rowsRejected, 5);
    assert.deepEqual(run.rejectsByReason, { invalid_int64: 2, invalid_timestamp: 1, invalid_float64: 1, missing_value: 1 });
    const lines = fs
      .readFileSync(path.join(s.dataDir, run.rejectsFile), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 5);
    const fast = lines.find((l) => l.reason === 'invalid_float64');
    assert.equal(fast.column, 'rate');
    assert.equal(fast.value, 'fast');
    assert.match(fast.location, /stats\.csv:5$/);
  } finally {
    await s.close();
  }
});

test('a missing source file fails the run after its retries, naming the file; nothing is committed', async () => {
  const s = await pipelineServer({}, bundle(), { runAttempts: 2, retryDelayMs: 60_000 });
  try {
    const queued = await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, {});
    const runOf = async () => (await getJson(`${s.url}/api/v1/runs/${queued.body.runId}`)).body;
    // The first attempt fails and is queued again, due a minute later on the (test) clock.
    const requeued = await waitFor('the second attempt to be queued', 60_000, async () => {
      const r = await runOf();
      assert.notEqual(r.status, 'failed', 'the run failed without its retry');
      return r.status === 'queued' && r.attempt === 2 ? r : undefined;
    });
    assert.equal((await s.services.runs.get(requeued.id))?.notBefore, s.services.clock.now() + 60_000);
    // Moving the clock past it lets the runner take the second attempt.
    s.services.clock.set(s.services.clock.now() + 61_000);
    const run = await waitFor('the run to end', 60_000, async () => {
      const r = await runOf();
      return r.status === 'failed' || r.status === 'succeeded' ? r : undefined;
    });
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'source_error');
    assert.equal(run.attempt, 2);
    assert.match(run.error, /data\/\*\.csv/);
    assert.equal(run.snapshotId, null);
    const version = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body;
    assert.equal(version.snapshots.length, 0);
    assert.equal(version.fittedState, null);
    // The server keeps serving.
    assert.equal((await getJson(`${s.url}/health`)).status, 200);
  } finally {
    await s.close();
  }
});

test('a transform that fails on real data fails the run, names the source, column and row, and commits nothing', async () => {
  const b = bundle();
  b.featureViews![0].features = [{ name: 'rate', type: 'float64', transforms: [{ scale: { method: 'log1p' } }] }];
  const rows = 'driver_id,ts,created,rate,trips,kind\n2,2026-10-31T00:00:00Z,,0.5,1,a\n1,2026-11-01T00:00:00Z,,-3,1,a\n3,2026-11-02T00:00:00Z,,1,1,a\n';
  const s = await pipelineServer({ 'data/stats.csv': rows }, b);
  try {
    const run = await s.materialize('stats_view');
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'transform_error');
    assert.equal(run.error, "source 'stats', column 'rate', the row with driver_id=1 at 2026-11-01T00:00:00.000Z: feature 'rate': log1p needs values greater than -1, but found -3");
    assert.deepEqual(
      fs.readdirSync(path.join(s.dataDir)).filter((f) => f === 'offline'),
      [],
    );
  } finally {
    await s.close();
  }
  // Failing while fitting (log1p feeds the standard scaler's fit): the fit has no keys to name.
  b.featureViews![0].features = [{ name: 'rate', type: 'float64', transforms: [{ scale: { method: 'log1p' } }, { scale: { method: 'standard' } }] }];
  const fitting = await pipelineServer({ 'data/stats.csv': rows }, b);
  try {
    const run = await fitting.materialize('stats_view');
    assert.equal(run.reason, 'transform_error');
    assert.equal(run.error, "source 'stats', column 'rate', a row of the fit: feature 'rate': log1p needs values greater than -1, but found -3");
  } finally {
    await fitting.close();
  }
  // With ffill, the fit holds whole rows in entity order, and names the row.
  b.featureViews![0].features = [{ name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'ffill' } }, { scale: { method: 'log1p' } }, { scale: { method: 'standard' } }] }];
  const ffill = await pipelineServer({ 'data/stats.csv': rows }, b);
  try {
    const run = await ffill.materialize('stats_view');
    assert.equal(run.error, "source 'stats', column 'rate', the row with driver_id=1 at 2026-11-01T00:00:00.000Z: feature 'rate': log1p needs values greater than -1, but found -3");
  } finally {
    await ffill.close();
  }
});

test('a view never runs twice at once: a second request is a 409', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle(), { scheduler: false });
  try {
    const first = await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, {});
    assert.equal(first.status, 202);
    assert.equal(first.body.run.status, 'queued');
    const second = await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, {});
    assert.equal(second.status, 409);
    assert.equal(second.body.type, '/problems/conflict');
    const runs = (await getJson(`${s.url}/api/v1/runs?featureView=stats_view`)).body.runs;
    assert.equal(runs.length, 1);
  } finally {
    await s.close();
  }
});

test('materialize input errors are 4xx naming the field', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle(), { scheduler: false });
  try {
    const bad = await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, { start: 'last tuesday' });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors.map((e: { path: string }) => e.path),
      ['start'],
    );
    const order = await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, { start: '2026-11-02', end: '2026-11-01' });
    assert.equal(order.status, 400);
    assert.equal((await postJson(`${s.url}/api/v1/feature-views/nope/materialize`, {})).status, 404);
    assert.equal((await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, { version: 7 })).status, 404);
    assert.equal((await postJson(`${s.url}/api/v1/feature-views/stats_view/materialize`, { colour: 1 })).status, 400);
    assert.equal((await getJson(`${s.url}/api/v1/runs/999`)).status, 404);
    assert.equal((await getJson(`${s.url}/api/v1/runs?status=sleeping`)).status, 400);
  } finally {
    await s.close();
  }
});

test('refit makes a new version fitted on the current rows; the old version keeps its state', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle());
  try {
    await s.materialize('stats_view');
    fs.appendFileSync(s.file('data/stats.csv'), '5,2026-11-03T00:00:00Z,,100,1,z\n');
    const refit = await postJson(`${s.url}/api/v1/feature-views/stats_view/refit`, {});
    assert.equal(refit.status, 201);
    assert.equal(refit.body.version, 2);
    const run = (await getJson(`${s.url}/api/v1/runs/${refit.body.runId}`)).body;
    const done = run.status === 'succeeded' ? run : await s.pipelines.service.waitFor(refit.body.runId, { timeoutMs: 10_000 });
    assert.equal(done.status, 'succeeded');
    const view = (await getJson(`${s.url}/api/v1/feature-views/stats_view`)).body;
    assert.deepEqual(
      view.versions.map((v: { version: number; reason: string }) => [v.version, v.reason]),
      [
        [1, 'apply'],
        [2, 'refit'],
      ],
    );
    const v1 = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body.fittedState.features.rate[0];
    const v2 = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/2`)).body.fittedState.features.rate[0];
    assert.deepEqual(v1, { value: 3 });
    // Median of [1, 4, 3, 100] = (3 + 4) / 2.
    assert.deepEqual(v2, { value: 3.5 });
  } finally {
    await s.close();
  }
});

// Schedules: test/pipelines/scheduler.test.ts drives the ticks by hand.

test('runs execute in a worker thread, off the HTTP event loop', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle(), { pipelineThread: true });
  try {
    const run = await s.materialize('stats_view');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsOut, 4);
  } finally {
    await s.close();
  }
});

test('a first run that spills to disk writes exactly what an in-memory one does', async () => {
  const rows = ['driver_id,ts,created,rate,trips,kind'];
  // Keys and times never repeat together (a repeat would be deduplicated): the period of (i % 37, i % 5, i % 10, i % 3) is 1,110.
  for (let i = 0; i < 500; i++) rows.push(`${i % 37},2026-11-0${1 + (i % 5)}T0${i % 10}:0${i % 3}:00Z,,${i % 11 === 0 ? '' : (i * 0.37) % 13},${i % 7},${['a', 'b', 'c', ''][i % 4]}`);
  const files = { 'data/stats.csv': `${rows.join('\n')}\n` };
  // A raw string column too: each batch has its own dictionary, several batches share a file.
  const b = bundle();
  b.featureViews![0].features.push({ name: 'kind_raw', type: 'string', from: 'kind' });
  const inMemory = await pipelineServer(files, b);
  const spilled = await pipelineServer(files, b, { spillRows: 30, batchSize: 16, rowsPerFile: 100 });
  try {
    for (const s of [inMemory, spilled]) assert.equal((await s.materialize('stats_view')).status, 'succeeded');
    const read = (s: typeof inMemory) =>
      duckRows(`SELECT * FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet', hive_partitioning = false) ORDER BY event_timestamp, driver_id, rate_raw`);
    const [a, c] = [await read(inMemory), await read(spilled)];
    assert.equal(a.length, 500);
    assert.deepEqual(c, a);
    assert.deepEqual(new Set(c.map((r) => r.kind_raw)), new Set(['a', 'b', 'c', null]));
    assert.equal(c.filter((r) => r.kind_raw === 'c').length, 125);
    const state = async (s: typeof inMemory) => (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body.fittedState;
    assert.deepEqual(await state(spilled), await state(inMemory));
    // 100 rows per file: five files.
    const [folder] = fs.readdirSync(path.join(spilled.dataDir, 'offline/stats_view/v1'));
    assert.equal(fs.readdirSync(path.join(spilled.dataDir, 'offline/stats_view/v1', folder)).length, 5);
  } finally {
    await inMemory.close();
    await spilled.close();
  }
});

test("fit.window fits on the rows within the window before the run's last event time", async () => {
  const b = bundle();
  b.featureViews![0].fit = { window: '1d' };
  b.featureViews![0].features = [{ name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'median' } }] }];
  // Last event 2026-11-02T10:00Z: the window keeps rows after 2026-11-01T10:00Z, i.e. rates 4 and 3.
  const s = await pipelineServer({ 'data/stats.csv': CSV }, b);
  try {
    const run = await s.materialize('stats_view');
    assert.equal(run.status, 'succeeded', run.error);
    const state = (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body.fittedState;
    assert.equal(state.rows, 2);
    assert.equal(state.from, Date.parse('2026-11-02T00:00:00Z'));
    assert.equal(state.to, Date.parse('2026-11-02T10:00:00Z'));
    assert.deepEqual(state.features.rate, [{ value: 3.5 }]);
    // All four rows are written; the null of driver 2 gets the windowed median.
    const rows = await duckRows(`SELECT rate FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet', hive_partitioning = false) WHERE driver_id = 2`);
    assert.deepEqual(rows, [{ rate: 3.5 }]);
  } finally {
    await s.close();
  }
});

test('a queued run survives a restart: the next process to lead runs it', async () => {
  const first = await pipelineServer({ 'data/stats.csv': CSV }, bundle(), { scheduler: false });
  const queued = await postJson(`${first.url}/api/v1/feature-views/stats_view/materialize`, {});
  assert.equal(queued.body.run.status, 'queued');
  const { dataDir, defs } = first;
  await first.close();
  // Same data dir and definitions, this time with the scheduler: it picks the queued run up.
  const second = await testServer({ dataDir, definitions: defs });
  try {
    const run = await second.pipelines.service.waitFor(queued.body.runId, { timeoutMs: 20_000 });
    assert.equal(run.status, 'succeeded', run.error ?? '');
    assert.equal(run.rowsOut, 4);
  } finally {
    await second.close();
  }
});

test('a failed online write fails the run with its snapshot committed; the next run writes it online', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle());
  const online = (ids: number[]) => postJson(`${s.url}/get-online-features`, { features: ['stats_view:rate_raw'], entities: { driver_id: ids } });
  try {
    const store = s.services.online;
    const write = store.write;
    store.write = async () => {
      throw new Error('disk full');
    };
    const failed = await s.materialize('stats_view');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.reason, 'online_store_error');
    assert.match(failed.error, /disk full/);
    assert.equal(typeof failed.snapshotId, 'number');
    // Offline readers see the snapshot; the online store has nothing yet.
    assert.equal((await duckRows(`SELECT count(*)::INT AS n FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet')`))[0].n, 4);
    assert.deepEqual((await online([1, 2, 3])).body.results[1].statuses, ['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);

    store.write = write;
    // The next run (a day later) reads only the new row (driver 2), and writes the failed snapshot's rows too.
    s.services.clock.set(Date.parse('2026-11-30T12:00:00Z'));
    fs.appendFileSync(s.file('data/stats.csv'), '2,2026-11-30T00:00:00Z,,7,5,b\n');
    const next = await s.materialize('stats_view');
    assert.equal(next.status, 'succeeded', next.error);
    assert.equal(next.rowsIn, 1);
    const after = (await online([1, 2, 3])).body.results[1];
    // Driver 1's latest row is 2026-11-02 (rate 4), driver 3's is its only one (rate 3).
    assert.deepEqual(after.values, [4, 7, 3]);
    assert.deepEqual(after.statuses, ['PRESENT', 'PRESENT', 'PRESENT']);
  } finally {
    await s.close();
  }
});

test('rejected rows of a Parquet source with BIGINT columns are counted and written, not a crash', async () => {
  const b: BundleInput = {
    entities: [{ name: 'k', joinKeys: ['id'], valueType: 'int64' }],
    sources: [{ name: 'pq', type: 'parquet', path: 'data/p.parquet', timestampField: 'ts' }],
    featureViews: [{ name: 'pv', entities: ['k'], source: 'pq', features: [{ name: 'x', type: 'float64' }] }],
  };
  const s = await pipelineServer({}, b);
  try {
    fs.mkdirSync(path.dirname(s.file('data/p.parquet')), { recursive: true });
    // 2^63 - 1 is read exactly (beyond 2^53); the rejects file keeps a BIGINT beyond 2^53 as text (no JSON number holds it).
    const rows = `(1::BIGINT, TIMESTAMP '2026-01-01', '1.5'), (2::BIGINT, TIMESTAMP '2026-01-02', 'abc'), (9223372036854775807::BIGINT, TIMESTAMP '2026-01-03', '2.5'), (9007199254740993::BIGINT, TIMESTAMP '2026-01-04', 'x')`;
    await duckRows(`COPY (SELECT * FROM (VALUES ${rows}) t(id, ts, x)) TO '${s.file('data/p.parquet')}' (FORMAT parquet)`);
    const run = await s.materialize('pv');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsOut, 2);
    assert.equal(run.rowsRejected, 2);
    assert.deepEqual(run.rejectsByReason, { invalid_float64: 2 });
    const rejects = fs
      .readFileSync(path.join(s.dataDir, run.rejectsFile), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(rejects.map((r) => [r.reason, r.raw.id, r.raw.x]).sort(), [
      ['invalid_float64', 2, 'abc'],
      ['invalid_float64', '9007199254740993', 'x'],
    ]);
  } finally {
    await s.close();
  }
});

test('TESSERA_CSV_READER=js (the JS reader alone) writes what the default DuckDB reader writes', async () => {
  const rows = ['driver_id,ts,created,rate,trips,kind'];
  // A plain file (DuckDB reads it) with empty fields and a value only the JS reader types (` 2.5`, from row 300 on).
  for (let i = 0; i < 400; i++)
    rows.push(`${i % 37},2026-11-0${1 + (i % 5)}T0${i % 10}:0${i % 3}:00Z,,${i % 11 === 0 ? '' : i === 300 ? ' 2.5' : (i * 0.37) % 13},${i % 7},${['a', 'b', 'c', ''][i % 4]}`);
  const files = { 'data/stats.csv': `${rows.join('\n')}\n` };
  const viaDuckdb = await pipelineServer(files, bundle());
  const viaJs = await pipelineServer(files, bundle(), { csvReader: 'js' });
  try {
    for (const s of [viaDuckdb, viaJs]) assert.equal((await s.materialize('stats_view')).status, 'succeeded');
    const read = (s: typeof viaJs) => duckRows(`SELECT * FROM read_parquet('${s.dataDir}/offline/stats_view/v1/*/*.parquet', hive_partitioning = false) ORDER BY event_timestamp, driver_id`);
    const [a, c] = [await read(viaDuckdb), await read(viaJs)];
    assert.equal(a.length, 400);
    assert.deepEqual(c, a);
    const state = async (s: typeof viaJs) => (await getJson(`${s.url}/api/v1/feature-views/stats_view/versions/1`)).body.fittedState;
    assert.deepEqual(await state(viaJs), await state(viaDuckdb));
  } finally {
    await viaDuckdb.close();
    await viaJs.close();
  }
});
