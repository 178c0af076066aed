import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { getJson, postJson } from '../../support/services.js';
import { bruteKs, seededNormal } from './brute-force.js';

// 400 drivers, one offline row each; a training dataset of them is the reference. Their online
// traffic is logged (`logging:` on the feature service): at 12:00 the online store serves what
// training saw; at 13:00 a writer puts shifted rates and other tiers online only (the planted drift);
// at 13:10 and 14:30 the drivers are served again. The detection windows read the logged requests.
const DRIVERS = 400;
const TIERS = ['gold', 'silver', 'bronze'];
const normal = seededNormal(7);
const ids = Array.from({ length: DRIVERS }, (_, i) => i + 1);
const rate = ids.map(() => Math.round(normal() * 1000) / 1000);
const tier = ids.map((_, i) => TIERS[i % 3]);
const driftedRate = rate.map((r) => Math.round((r + 0.4) * 1000) / 1000);
const driftedTier = ids.map((_, i) => TIERS[i % 5 < 3 ? 0 : (i % 5) - 2]);
const at = (hhmm: string) => Date.parse(`2026-11-29T${hhmm}:00Z`);

const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [{ name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'event_timestamp' }],
  featureViews: [
    {
      name: 'driver_stats',
      entities: ['driver'],
      source: 'stats',
      features: [
        { name: 'rate', type: 'float64' },
        { name: 'tier', type: 'string' },
      ],
    },
  ],
  featureServices: [{ name: 'ranker', features: ['driver_stats:rate', 'driver_stats:tier'], logging: { sampleRate: 1 } }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
const serve = async (entities: number[]) => {
  const res = await postJson(`${s.url}/get-online-features`, { feature_service: 'ranker', entities: { driver_id: entities } });
  assert.equal(res.status, 200, JSON.stringify(res.body));
};
const drift = async (body: Record<string, unknown>) => {
  const res = await postJson(`${s.url}/api/v1/drift`, { featureView: 'driver_stats', features: ['rate', 'tier'], ...body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};
// Report bodies are any: the tests check them field by field.
const byFeature = (report: any) => Object.fromEntries(report.features.map((f: any) => [f.feature, f]));
const close = (actual: number, expected: number, tolerance: number) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

/** The asymptotic two-sample KS p-value with Stephens' correction: Q(λ) = 2 Σ (-1)^(k-1) exp(-2k²λ²). */
function ksPValue(d: number, n: number, m: number): number {
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let q = 0;
  for (let k = 1; k <= 100; k++) q += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return Math.min(1, Math.max(0, q));
}

/** Chi-square of the detection's category counts against the reference's shares; 2 degrees of freedom have the tail exp(-x/2). */
function chiSquare(reference: string[], detection: string[]): { statistic: number; pValue: number } {
  let statistic = 0;
  for (const t of TIERS) {
    const expected = (reference.filter((x) => x === t).length / reference.length) * detection.length;
    statistic += (detection.filter((x) => x === t).length - expected) ** 2 / expected;
  }
  return { statistic, pValue: Math.exp(-statistic / 2) };
}

before(async () => {
  const csv = `driver_id,event_timestamp,rate,tier\n${ids.map((id, i) => `${id},2026-11-29T08:00:00Z,${rate[i]},${tier[i]}`).join('\n')}\n`;
  s = await pipelineServer({ 'stats.csv': csv }, bundle, { featureLogFlushMs: 60_000 });
  const run = await s.materialize('driver_stats');
  assert.equal(run.status, 'succeeded', run.error);
  const saved = await postJson(`${s.url}/api/v1/training-datasets`, {
    name: 'ranker_train',
    feature_service: 'ranker',
    entities: { driver_id: ids, event_timestamp: ids.map(() => '2026-11-29T10:00:00Z') },
  });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  // Driver 9999 is unknown: its logged values are nulls.
  await serve([...ids, 9999]);
  s.services.clock.set(at('13:00'));
  const planted = await postJson(`${s.url}/write-to-online-store`, {
    feature_view_name: 'driver_stats',
    df: { driver_id: ids, event_timestamp: ids.map(() => '2026-11-29T12:30:00Z'), rate: driftedRate, tier: driftedTier },
  });
  assert.equal(planted.status, 200, JSON.stringify(planted.body));
  s.services.clock.set(at('13:10'));
  await serve([...ids, 9999]);
  s.services.clock.set(at('14:30'));
  await serve(ids.slice(0, 50));
  await s.services.featureLog.flush();
});
after(() => s.close());

test('logged traffic against a training dataset: before the planted drift nothing drifts; after it, KS and chi-square equal a hand computation', async () => {
  // 12:00's requests served what the dataset holds: both statistics are 0.
  const calm = byFeature(await drift({ reference: { dataset: 'ranker_train' }, detection: { featureService: 'ranker', start: at('11:00'), end: at('13:00') } }));
  assert.deepEqual([calm.rate.method, calm.rate.statistic, calm.rate.drifted, calm.rate.referenceRows, calm.rate.detectionRows, calm.rate.detectionNulls], ['ks', 0, false, DRIVERS, DRIVERS, 1]);
  assert.deepEqual([calm.tier.method, calm.tier.statistic, calm.tier.pValue, calm.tier.drifted], ['chi_square', 0, 1, false]);

  // [13:00, 14:00) holds the 13:10 requests only (401 rows; 14:30's 50 are outside it).
  const report = await drift({ reference: { dataset: 'ranker_train' }, detection: { featureService: 'ranker', start: at('13:00'), end: at('14:00') } });
  assert.match(report.detection.description, /^logs of ranker \[2026-11-29T13:00:00/);
  const f = byFeature(report);
  const d = bruteKs(rate, driftedRate);
  assert.deepEqual([f.rate.method, f.rate.referenceRows, f.rate.detectionRows, f.rate.detectionNulls], ['ks', DRIVERS, DRIVERS, 1]);
  close(f.rate.statistic, d, 1e-12);
  close(f.rate.pValue, ksPValue(d, DRIVERS, DRIVERS), 1e-9);
  assert.equal(f.rate.drifted, true);
  const expected = chiSquare(tier, driftedTier);
  assert.equal(f.tier.method, 'chi_square');
  close(f.tier.statistic, expected.statistic, 1e-9);
  close(f.tier.pValue, expected.pValue, 1e-9);
  assert.equal(f.tier.drifted, expected.pValue < 0.05);
  assert.deepEqual([report.driftedFeatures, report.datasetDrift], [1 + Number(expected.pValue < 0.05), true]);
});

test('a monitor over the last hour of logged traffic, the dataset as reference, reports the same figures', async () => {
  const applied = await postJson(`${s.url}/api/v1/apply`, {
    monitors: [
      {
        name: 'ranker_traffic',
        featureView: 'driver_stats',
        reference: { dataset: 'ranker_train' },
        detection: { featureService: 'ranker', last: '1h' },
        schedule: '0 * * * *',
        features: ['rate', 'tier'],
      },
    ],
  });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  // At 13:30 the last hour is [12:30, 13:30): the 13:10 requests.
  s.services.clock.set(at('13:30'));
  const ran = await postJson(`${s.url}/api/v1/monitors/ranker_traffic/run`, {});
  assert.equal(ran.body.status, 'ok', JSON.stringify(ran.body));
  const f = byFeature(ran.body.report);
  close(f.rate.statistic, bruteKs(rate, driftedRate), 1e-12);
  assert.equal(f.rate.detectionRows, DRIVERS);
  close(f.tier.statistic, chiSquare(tier, driftedTier).statistic, 1e-9);
  // At 15:00 the last hour is [14:00, 15:00): 14:30's 50 drivers, still drifted.
  s.services.clock.set(at('15:00'));
  const later = await postJson(`${s.url}/api/v1/monitors/ranker_traffic/run`, {});
  const g = byFeature(later.body.report);
  assert.equal(g.rate.detectionRows, 50);
  close(g.rate.statistic, bruteKs(rate, driftedRate.slice(0, 50)), 1e-12);
  const results = await getJson(`${s.url}/api/v1/monitors/ranker_traffic/results`);
  assert.equal(results.body.results.length, 2);
});
