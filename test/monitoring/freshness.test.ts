import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { nodeCronInterval } from '../../server/monitoring/cron-interval.js';
import { manualCron } from '../support/manual-cron.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { sample } from '../support/prometheus-text.js';
import { T0, getJson, postJson } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

const H = 3_600_000;
// Latest event time 11:00, an hour before the test clock's T0 (2026-11-29T12:00Z).
const CSV = `driver_id,ts,rate
1,2026-11-29T09:00:00Z,1
2,2026-11-29T11:00:00Z,2
1,2026-11-29T10:00:00Z,3
`;

const view = (name: string, extra: Record<string, unknown>) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' as const }], ...extra });
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
  featureViews: [view('hourly', {}), view('daily', { freshness: { staleAfter: '1d' } }), view('never', {})],
};

test("node-cron's gap between the next two ticks", () => {
  assert.equal(nodeCronInterval('0 * * * *'), H);
  assert.equal(nodeCronInterval('*/15 * * * *'), 15 * 60_000);
  assert.equal(nodeCronInterval('30 2 * * *', 'Europe/Paris') !== null, true);
});

test('freshness per view with an injected clock: data age, last successful run age (compactions aside), stale at 2x the schedule or staleAfter', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle, {}, { cron: manualCron().schedule });
  try {
    const url = `${s.url}/api/v1/freshness`;
    const before = (await getJson(url)).body;
    assert.equal(before.stale, 3, 'nothing committed yet: every view is stale');
    assert.deepEqual(
      before.views.map((v: { featureView: string; dataAgeSeconds: null; staleAfterSeconds: number | null }) => [v.featureView, v.dataAgeSeconds, v.staleAfterSeconds]),
      [
        ['daily', null, 86_400],
        ['hourly', null, null], // no schedule yet: no limit, but stale while nothing is committed
        ['never', null, null],
      ],
    );

    // With a schedule, the view is materialized at once (never materialized), then on its ticks.
    const scheduled = await postJson(`${s.url}/api/v1/apply`, { featureViews: [view('hourly', { schedule: '0 * * * *' })] });
    assert.deepEqual(scheduled.body.newVersions, []);
    await waitFor('the first scheduled run', 60_000, async () => {
      const [run] = await s.services.runs.list({ featureView: 'hourly', limit: 1 });
      return run?.status === 'succeeded' ? run : undefined;
    });
    assert.equal((await s.materialize('daily')).status, 'succeeded');
    // A compaction that succeeds later is not the view's last successful run.
    const compaction = await s.services.runs.beginSideRun('hourly', 1, 'compaction', 'test', T0 + H);
    await s.services.runs.succeed(compaction.id, T0 + H + H / 2, []);

    // Two hours on: hourly's data is 3 h old (> 2 h), daily's is within its day.
    s.services.clock.set(T0 + 2 * H);
    const after = (await getJson(url)).body;
    assert.equal(after.checkedAt, new Date(T0 + 2 * H).toISOString());
    assert.equal(after.stale, 2);
    const byName = Object.fromEntries(after.views.map((v: { featureView: string }) => [v.featureView, v]));
    assert.deepEqual(byName.hourly, {
      featureView: 'hourly',
      version: 1,
      latestEventTime: '2026-11-29T11:00:00.000Z',
      dataAgeSeconds: 10_800,
      lastSuccessAt: new Date(T0).toISOString(),
      lastSuccessAgeSeconds: 7_200,
      staleAfterSeconds: 7_200,
      stale: true,
    });
    assert.equal(byName.daily.dataAgeSeconds, 10_800);
    assert.equal(byName.daily.stale, false);
    assert.equal(byName.never.stale, true);
    assert.equal(byName.never.lastSuccessAt, null);

    // Stale views are reported, and never make the server unhealthy.
    const health = await getJson(`${s.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.body.freshness, { views: 3, stale: 2 });

    const text = await fetch(`${s.url}/metrics`).then((r) => r.text());
    assert.equal(sample(text, 'tessera_freshness_data_age_seconds', { feature_view: 'hourly' }), 10_800);
    assert.equal(sample(text, 'tessera_freshness_last_success_age_seconds', { feature_view: 'hourly' }), 7_200);
    assert.equal(sample(text, 'tessera_freshness_stale', { feature_view: 'hourly' }), 1);
    assert.equal(sample(text, 'tessera_freshness_stale', { feature_view: 'daily' }), 0);
    assert.equal(sample(text, 'tessera_freshness_stale', { feature_view: 'never' }), 1);
    assert.equal(sample(text, 'tessera_freshness_data_age_seconds', { feature_view: 'never' }), null);
  } finally {
    await s.close();
  }
});
