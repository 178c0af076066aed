import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { manualCron } from '../../support/manual-cron.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { getJson, postJson } from '../../support/services.js';
import { waitFor } from '../../support/spawn-server.js';
import { bruteStd, bruteWasserstein, seededNormal } from '../drift/brute-force.js';

// Day 1 is the reference; day 2 has rate shifted by 0.4 standard deviations. The test clock is
// 2026-11-29T12:00Z, so the monitor's `last: 2d` window holds day 2 only.
const DAY1 = Date.parse('2026-11-27T00:00:00Z');
const DAY2 = Date.parse('2026-11-28T00:00:00Z');
const ROWS = 1200;
const normal = seededNormal(3);
const day1 = Array.from({ length: ROWS }, () => Math.round(normal() * 1000) / 1000);
const day2 = Array.from({ length: ROWS }, () => Math.round((normal() + 0.4) * 1000) / 1000);
const csv = [
  'driver_id,event_timestamp,rate',
  ...day1.map((r, i) => `${i},${new Date(DAY1 + i * 1000).toISOString()},${r}`),
  ...day2.map((r, i) => `${ROWS + i},${new Date(DAY2 + i * 1000).toISOString()},${r}`),
].join('\n');

const view = { name: 'driver_stats', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' as const }] };
const monitor = { name: 'rate_drift', featureView: 'driver_stats', reference: { start: DAY1, end: DAY2 }, detection: { last: '2d' }, schedule: '0 * * * *' };
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'event_timestamp' }],
  featureViews: [view],
  monitors: [monitor],
  alerts: [{ name: 'drifting', kind: 'drift' }],
};

const cron = manualCron();
let s: Awaited<ReturnType<typeof pipelineServer>>;

before(async () => {
  s = await pipelineServer({ 'stats.csv': `${csv}\n` }, bundle, {}, { cron: cron.schedule });
  assert.equal((await s.materialize('driver_stats')).status, 'succeeded');
});
after(() => s.close());

test('a scheduled monitor runs on its tick, stores its report, publishes its score and fires a drift alert', async () => {
  await waitFor('the monitor task', 60_000, async () => cron.live('monitor:rate_drift'));
  assert.deepEqual(await getJson(`${s.url}/api/v1/monitors/rate_drift/results`).then((r) => r.body.results), []);
  await cron.tick('monitor:rate_drift');
  const { body } = await getJson(`${s.url}/api/v1/monitors/rate_drift/results`);
  assert.equal(body.results.length, 1);
  const [result] = body.results;
  assert.equal(result.status, 'ok', JSON.stringify(result));
  const [rate] = result.report.features;
  // 1,200 reference rows: normed Wasserstein, equal to the brute-force value; a 0.4σ shift drifts.
  assert.equal(rate.method, 'wasserstein');
  assert.ok(Math.abs(rate.statistic - bruteWasserstein(day1, day2) / bruteStd(day1)) < 1e-9);
  assert.deepEqual([rate.referenceRows, rate.detectionRows, rate.drifted, result.datasetDrift, result.share], [ROWS, ROWS, true, true, 1]);
  assert.match(result.report.detection.description, /^window \[2026-11-27T12:00:00/);

  const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
  const score = /^tessera_drift_score\{monitor="rate_drift",feature="rate"\} (\S+)$/m.exec(metrics);
  assert.ok(score && Math.abs(Number(score[1]) - rate.statistic) < 1e-9, metrics);
  assert.match(metrics, /^tessera_drift_detected\{monitor="rate_drift"\} 1$/m);
  assert.match(metrics, /^tessera_monitor_runs_total\{monitor="rate_drift",status="ok"\} 1$/m);

  const evaluation = await s.services.alerts.evaluate();
  assert.deepEqual(
    evaluation.fired.map((a) => [a.rule, a.subject, a.value]),
    [['drifting', 'rate_drift', 1]],
  );
});

test('run now adds a result; results page newest first; a window with no rows is a stored failure', async () => {
  const run = await postJson(`${s.url}/api/v1/monitors/rate_drift/run`, {});
  assert.equal(run.status, 201, JSON.stringify(run.body));
  const newest = await getJson(`${s.url}/api/v1/monitors/rate_drift/results?limit=1`);
  assert.deepEqual(
    newest.body.results.map((r: { id: number }) => r.id),
    [run.body.id],
  );
  const older = await getJson(`${s.url}/api/v1/monitors/rate_drift/results?before=${run.body.id}`);
  assert.ok(older.body.results.every((r: { id: number }) => r.id < run.body.id));

  assert.equal((await postJson(`${s.url}/api/v1/apply`, { monitors: [{ ...monitor, name: 'empty_window', detection: { last: '1h' } }] })).status, 200);
  const failed = await postJson(`${s.url}/api/v1/monitors/empty_window/run`, {});
  assert.deepEqual([failed.body.status, failed.body.report, failed.body.datasetDrift], ['failed', null, null]);
  assert.match(failed.body.error, /detection holds no rows/);
});

test('bad monitors are refused at apply naming the field, nothing stored; unknown monitors are 404s', async () => {
  const bad: [unknown, string][] = [
    [{ ...monitor, name: 'm1', schedule: 'every hour' }, 'monitors[0].schedule'],
    [{ ...monitor, name: 'm2', featureView: 'ghost' }, 'monitors[0].featureView'],
    [{ ...monitor, name: 'm3', detection: { last: 'soon' } }, 'monitors[0].detection'],
    [{ ...monitor, name: 'm4', method: 'median' }, 'monitors[0].method'],
    [{ ...monitor, name: 'm5', driftShare: 1.5 }, 'monitors[0].driftShare'],
    [{ ...monitor, name: 'm6', version: 99 }, 'monitors[0].version'],
  ];
  for (const [m, field] of bad) {
    const res = await postJson(`${s.url}/api/v1/apply`, { monitors: [m] });
    assert.equal(res.status, 400, JSON.stringify(m));
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${JSON.stringify(m)} -> ${JSON.stringify(res.body.errors)}`,
    );
  }
  assert.deepEqual([...(await s.services.catalog.get()).monitors.keys()].sort(), ['empty_window', 'rate_drift']);
  // A stored version may be pinned.
  const pinned = await postJson(`${s.url}/api/v1/apply?dry_run=true`, { monitors: [{ ...monitor, name: 'pinned', version: 1 }] });
  assert.equal(pinned.status, 200, JSON.stringify(pinned.body));
  assert.equal((await getJson(`${s.url}/api/v1/monitors/m1/results`)).status, 404);
  assert.equal((await postJson(`${s.url}/api/v1/monitors/ghost/run`, {})).status, 404);
  assert.equal((await getJson(`${s.url}/api/v1/monitors/rate_drift/results?limit=0`)).status, 400);
});
