import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { assertOutOfRangeRefused } from '../support/out-of-range.js';
import { postJson } from '../support/services.js';
import { PUSH_STORES, forgetStorePrefixes } from './push-stores.js';

// Push bodies as Feast sends them (feast-dev/feast at f0bc070): sdk/python/feast/feature_server.py
// (PushFeaturesRequest, WriteToFeatureStoreRequest), docs/reference/feature-servers/python-feature-server.md
// (the curl and requests.post examples), sdk/python/feast/infra/online_stores/remote.py (online_write_batch).
// The test clock is 2026-11-29T12:00:00Z.
const CSV = `driver_id,event_timestamp,created,conv_rate,avg_daily_trips
1001,2026-11-28T10:00:00Z,2026-11-28T10:00:00Z,0.2,100
1002,2026-11-28T10:00:00Z,2026-11-28T10:00:00Z,0.6,300
`;

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [
    { name: 'driver_stats', type: 'csv', path: 'driver_stats.csv', timestampField: 'event_timestamp', createdTimestampField: 'created' },
    { name: 'driver_stats_push_source', type: 'push', batchSource: 'driver_stats', timestampField: 'event_timestamp', createdTimestampField: 'created' },
    { name: 'raw_push', type: 'push' },
    { name: 'scaled_push', type: 'push' },
  ],
  featureViews: [
    {
      name: 'driver_hourly_stats',
      entities: ['driver'],
      source: 'driver_stats_push_source',
      features: [
        // min-max over the batch rows [0.2, 0.6]: (x - 0.2) / (0.6 - 0.2).
        { name: 'conv_rate', type: 'float64', transforms: [{ scale: { method: 'minmax' } }] },
        { name: 'avg_daily_trips', type: 'int64' },
      ],
    },
    { name: 'plain', entities: ['driver'], source: 'raw_push', features: [{ name: 'score', type: 'float64' }] },
    { name: 'scaled', entities: ['driver'], source: 'scaled_push', features: [{ name: 'score', type: 'float64', transforms: [{ scale: { method: 'log1p' } }] }] },
  ],
};

after(forgetStorePrefixes);

// The whole suite runs on every online store: pushes go through the store contract, nothing store-specific.
for (const store of PUSH_STORES) {
  describe(store.name, { skip: store.skip }, () => {
    let s: Awaited<ReturnType<typeof pipelineServer>>;
    before(async () => {
      s = await pipelineServer({ 'driver_stats.csv': CSV }, bundle, { pushCommitMs: 50, ...store.overrides() });
      const run = await s.materialize('driver_hourly_stats');
      assert.equal(run.status, 'succeeded', run.error);
    });
    after(() => s.close());

    const online = async (features: string[], ids: number[]) => (await postJson(`${s.url}/get-online-features`, { features, entities: { driver_id: ids } })).body;

    test("the docs' curl push (to online_and_offline, pandas-style timestamps) goes through the frozen transforms, online and offline", async () => {
      const res = await postJson(`${s.url}/push`, {
        push_source_name: 'driver_stats_push_source',
        df: { driver_id: [1001], event_timestamp: ['2026-11-29 10:59:42+00:00'], created: ['2026-11-29 10:59:42'], conv_rate: [1.0], avg_daily_trips: [1000] },
        to: 'online_and_offline',
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.feature_views[0].name, 'driver_hourly_stats');
      assert.equal(typeof res.body.feature_views[0].snapshot_id, 'number');
      const answer = await online(['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'], [1001, 1002]);
      const minmax = (x: number) => (x - 0.2) / (0.6 - 0.2);
      assert.deepEqual(answer.results[1].values, [minmax(1.0), minmax(0.6)]);
      assert.deepEqual(answer.results[1].event_timestamps, ['2026-11-29T10:59:42Z', '2026-11-28T10:00:00Z']);
      assert.deepEqual(answer.results[2].values, [1000, 300]);
      // Offline, the pushed row is read point in time exactly like a materialized one.
      const hist = await postJson(`${s.url}/get-historical-features`, {
        features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'],
        entities: { driver_id: [1001, 1001, 1002], event_timestamp: ['2026-11-29T10:00:00Z', '2026-11-29T11:00:00Z', '2026-11-29T11:00:00Z'] },
      });
      assert.equal(hist.status, 200, JSON.stringify(hist.body));
      assert.deepEqual(hist.body.avg_daily_trips, [100, 1000, 300]);
      assert.deepEqual(hist.body.conv_rate, [minmax(0.2), minmax(1.0), minmax(0.6)]);
    });

    test('a reversed batch [t3, t2, t1] and a later older push never regress the online store (Feast #5163)', async () => {
      const res = await postJson(`${s.url}/push`, {
        push_source_name: 'raw_push',
        df: { driver_id: [7, 7, 7], event_timestamp: ['2026-11-29T03:00:00Z', '2026-11-29T02:00:00Z', '2026-11-29T01:00:00Z'], score: [3, 2, 1] },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const older = await postJson(`${s.url}/push`, { push_source_name: 'raw_push', df: { driver_id: [7], event_timestamp: ['2026-11-29T02:30:00Z'], score: [9] } });
      assert.equal(older.status, 200);
      const answer = await online(['plain:score'], [7]);
      assert.deepEqual(answer.results[1].values, [3]);
      assert.deepEqual(answer.results[1].event_timestamps, ['2026-11-29T03:00:00Z']);
    });

    test("Feast's answer codes: 422 for an unknown push source, 400 naming the field for a bad `to` or df; nothing is written", async () => {
      const unknown = await postJson(`${s.url}/push`, { push_source_name: 'nope', df: { driver_id: [1] } });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.errors[0].path, 'push_source_name');
      const cases: [unknown, string][] = [
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001] }, to: 'somewhere' }, 'to'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001], event_timestamp: ['x'], created: [null], conv_rate: [1], avg_daily_trips: [1] } }, 'df.event_timestamp[0]'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001, 1002], event_timestamp: ['2026-11-29T11:00:00Z'] } }, 'df.event_timestamp'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: ['a'], event_timestamp: ['2026-11-29T11:00:00Z'], conv_rate: [1], avg_daily_trips: [1] } }, 'df.driver_id[0]'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001], event_timestamp: ['2026-11-29T11:00:00Z'], conv_rate: [1] } }, 'df.avg_daily_trips'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001], event_timestamp: ['2026-11-29T11:00:00Z'], conv_rate: ['fast'], avg_daily_trips: [1] } }, 'df.conv_rate[0]'],
        [{ push_source_name: 'driver_stats_push_source', df: { driver_id: [1001] }, too: 'online' }, 'too'],
      ];
      for (const [body, path] of cases) {
        const res = await postJson(`${s.url}/push`, body);
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.ok(
          res.body.errors.some((e: { path: string }) => e.path === path),
          `${path}: ${JSON.stringify(res.body.errors)}`,
        );
      }
      const answer = await online(['driver_hourly_stats:avg_daily_trips'], [1001]);
      assert.deepEqual(answer.results[1].values, [1000]);
    });

    test('event and created times outside years 0001-9999 UTC are a 400 naming the cell on both push routes; the edges are served as they were sent', async () => {
      // 8.64e15 ms was once stored and served as '+275760-09-13T00:00:00Z', and shadowed every later push of the key.
      const cases: [string, Record<string, unknown>, string][] = [
        ['/push', { push_source_name: 'raw_push', df: { driver_id: [40, 41], event_timestamp: ['2026-11-29T07:00:00Z', 8.64e15], score: [1, 2] } }, 'df.event_timestamp[1]'],
        ['/push', { push_source_name: 'raw_push', df: { driver_id: [40], event_timestamp: [-62_198_755_200_001], score: [1] } }, 'df.event_timestamp[0]'],
        ['/push', { push_source_name: 'raw_push', df: { driver_id: [40], event_timestamp: ['9999-12-31T23:30:00-01:00'], score: [1] } }, 'df.event_timestamp[0]'],
        [
          '/push',
          { push_source_name: 'driver_stats_push_source', df: { driver_id: [40], event_timestamp: ['2026-11-29T07:00:00Z'], created: ['0000-12-31T23:59:59Z'], conv_rate: [1], avg_daily_trips: [1] } },
          'df.created[0]',
        ],
        ['/write-to-online-store', { feature_view_name: 'plain', df: { driver_id: [40], score: [1], event_timestamp: ['253402300800000'], created: [null] } }, 'df.event_timestamp[0]'],
      ];
      await assertOutOfRangeRefused(s.url, cases);
      assert.deepEqual((await online(['plain:score'], [40, 41])).results[1].statuses, ['NOT_FOUND', 'NOT_FOUND']);
      const edges = await postJson(`${s.url}/push`, {
        push_source_name: 'raw_push',
        df: { driver_id: [42, 43], event_timestamp: ['0001-01-01T00:00:00Z', 253_402_300_799_999], score: [1, 2] },
        to: 'online',
      });
      assert.equal(edges.status, 200, JSON.stringify(edges.body));
      const answer = await online(['plain:score'], [42, 43]);
      assert.deepEqual(answer.results[1].values, [1, 2]);
      assert.deepEqual(answer.results[1].event_timestamps, ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']);
    });

    test("a push source without a batch source serves a view without transforms from its first push; the docs' scalar column is repeated", async () => {
      // requests.post(data=json.dumps(push_data)): no content type; "string_feature": "test2" is a scalar.
      const body = (source: string) => ({
        push_source_name: source,
        df: { driver_id: [8, 9], event_timestamp: ['2026-11-29T05:00:00Z', '2026-11-29T05:00:00Z'], score: 0.5, string_feature: 'test2' },
        to: 'online',
      });
      const res = await fetch(`${s.url}/push`, { method: 'POST', body: new TextEncoder().encode(JSON.stringify(body('raw_push'))) });
      assert.equal(res.status, 200, await res.text());
      assert.deepEqual((await online(['plain:score'], [8, 9])).results[1].values, [0.5, 0.5]);
      // `scaled` has a transform and nothing fitted it: refused, and nothing written.
      const refused = await postJson(`${s.url}/push`, body('scaled_push'));
      assert.equal(refused.status, 409);
      assert.deepEqual((await online(['scaled:score'], [8])).results[1].statuses, ['NOT_FOUND']);
    });

    test("/write-to-online-store with the remote online store's body (event_timestamp and created, whatever the source calls them)", async () => {
      const res = await postJson(`${s.url}/write-to-online-store`, {
        feature_view_name: 'plain',
        df: { driver_id: [8, 9], score: [1.5, null], event_timestamp: ['2026-11-29T06:00:00', '2026-11-29T06:00:00'], created: [null, null] },
        allow_registry_cache: false,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const answer = await online(['plain:score'], [8, 9]);
      assert.deepEqual(answer.results[1].values, [1.5, null]);
      assert.deepEqual(answer.results[1].statuses, ['PRESENT', 'NULL_VALUE']);
      const missing = await postJson(`${s.url}/write-to-online-store`, { feature_view_name: 'ghost', df: { driver_id: [1] } });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errors[0].path, 'feature_view_name');
    });

    test("README's push example on the drivers definitions of `tessera init`", async () => {
      const { parse } = await import('yaml');
      const { repositoryFiles } = await import('../../server/scaffold/templates.js');
      const { driverStatsCsv, driverStatsRows } = await import('../../server/sample-data/driver-stats.js');
      const { T0 } = await import('../support/services.js');
      const drivers = parse(repositoryFiles('x')['feature-definitions/drivers.yaml']);
      drivers.sources.push({ name: 'driver_stats_push', type: 'push', batchSource: 'driver_stats', timestampField: 'event_timestamp', createdTimestampField: 'created' });
      drivers.featureViews[0].source = 'driver_stats_push';
      const server = await pipelineServer({ 'data/driver_stats.csv': driverStatsCsv(driverStatsRows(T0)) }, drivers, store.overrides());
      try {
        assert.equal((await server.materialize('driver_hourly_stats')).status, 'succeeded');
        // The sample data ends at the test clock: the pushed row is a minute after the latest one.
        const before = (await postJson(`${server.url}/get-online-features`, { features: ['driver_hourly_stats:avg_daily_trips'], entities: { driver_id: [1001] } })).body;
        const at = new Date(Date.parse(before.results[1].event_timestamps[0]) + 60_000).toISOString().replace('.000Z', 'Z');
        const body = JSON.stringify({
          push_source_name: 'driver_stats_push',
          df: {
            driver_id: [1001],
            event_timestamp: [at.replace('T', ' ').replace('Z', '+00:00')],
            created: [at.replace('T', ' ').replace('Z', '')],
            conv_rate: [0.71],
            acc_rate: [0.93],
            avg_daily_trips: [812],
            car_type: ['suv'],
          },
          to: 'online_and_offline',
        });
        // curl -d: a form content type.
        const res = await fetch(`${server.url}/push`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
        assert.equal(res.status, 200, await res.text());
        const answer = (await postJson(`${server.url}/get-online-features`, { features: ['driver_hourly_stats:avg_daily_trips', 'driver_hourly_stats:car_type'], entities: { driver_id: [1001] } }))
          .body;
        assert.deepEqual(answer.results[1].values, [812]);
        assert.deepEqual(answer.results[1].event_timestamps, [at]);
        const suv = answer.metadata.feature_names.indexOf('car_type__suv');
        assert.ok(suv > 0, JSON.stringify(answer.metadata.feature_names));
        assert.deepEqual(answer.results[suv].values, [1]);
      } finally {
        await server.close();
      }
    });

    test('a refused push to online_and_offline adds no snapshot and changes no online value; answered offline pushes are committed and read point in time', async () => {
      const snapshots = async () => ((await (await fetch(`${s.url}/api/v1/feature-views/plain/versions/1`)).json()) as { snapshots: unknown[] }).snapshots.length;
      const before = await snapshots();
      const bad = await postJson(`${s.url}/push`, {
        push_source_name: 'raw_push',
        df: { driver_id: [20, 21], event_timestamp: ['2026-11-29T07:00:00Z', 'yesterday'], score: [1, 2] },
        to: 'online_and_offline',
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].path, 'df.event_timestamp[1]');
      assert.equal(await snapshots(), before);
      assert.deepEqual((await online(['plain:score'], [20])).results[1].statuses, ['NOT_FOUND']);
      // Three pushes sent together: each answer names the committed snapshot holding its row (how many
      // snapshots the group commit makes depends on arrival times, so it is not asserted).
      const bodies = [30, 31, 32].map((id) => ({ push_source_name: 'raw_push', df: { driver_id: [id], event_timestamp: ['2026-11-29T07:00:00Z'], score: [id] }, to: 'offline' }));
      const answers = await Promise.all(bodies.map((b) => postJson(`${s.url}/push`, b)));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.body));
      const ids = new Set(answers.map((a) => a.body.feature_views[0].snapshot_id));
      assert.equal(await snapshots(), before + ids.size);
      // Each commit is a run of its own (trigger 'push'), listed with its rows and status.
      const listed = (await (await fetch(`${s.url}/api/v1/runs?featureView=plain&limit=1000`)).json()) as { runs: { trigger: string; status: string; rowsOut: number; snapshotId: number | null }[] };
      const pushRuns = listed.runs.filter((r) => r.snapshotId !== null && ids.has(r.snapshotId));
      assert.deepEqual(
        pushRuns.map((r) => [r.trigger, r.status]),
        [...ids].map(() => ['push', 'succeeded']),
      );
      assert.equal(
        pushRuns.reduce((n, r) => n + r.rowsOut, 0),
        3,
      );
      // to: offline writes nothing online.
      assert.deepEqual((await online(['plain:score'], [30])).results[1].statuses, ['NOT_FOUND']);
      const hist = await postJson(`${s.url}/get-historical-features`, {
        features: ['plain:score'],
        entities: { driver_id: [30, 31, 32], event_timestamp: ['2026-11-29T08:00:00Z', '2026-11-29T08:00:00Z', '2026-11-29T06:00:00Z'] },
      });
      assert.deepEqual(hist.body.score, [30, 31, null]);
    });
  });
}
