import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { pipelineServer } from '../../support/pipeline-fixture.js';
import { postJson } from '../../support/services.js';
import { alignedCounts, bruteDecileBins, bruteJs, bruteKs, brutePsi, bruteStd, bruteWasserstein, seededNormal } from './brute-force.js';

// Two days of 1,500 drivers each; the second day is planted with drift: rate moves by half a
// standard deviation, tier's shares change, trips (4 values) keeps its distribution.
const DAY1 = Date.parse('2026-11-27T00:00:00Z');
const DAY2 = Date.parse('2026-11-28T00:00:00Z');
const ROWS = 1500;
const TIERS = ['gold', 'silver', 'bronze'];
const normal = seededNormal(42);
interface Row {
  rate: number | null;
  trips: number;
  tier: string;
}
const day = (shift: number, tierOf: (i: number) => string): Row[] =>
  Array.from({ length: ROWS }, (_, i) => ({ rate: i % 50 === 7 ? null : Math.round((normal() + shift) * 1000) / 1000, trips: i % 4, tier: tierOf(i) }));
const first = day(0, (i) => TIERS[i % 3]);
const second = day(0.5, (i) => TIERS[i % 5 < 3 ? 0 : (i % 5) - 2]);
const csv = (rows: Row[], start: number, offset: number) => rows.map((r, i) => `${offset + i},${new Date(start + i * 1000).toISOString()},${r.rate ?? ''},${r.trips},${r.tier}`).join('\n');

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
        { name: 'trips', type: 'int64' },
        { name: 'tier', type: 'string' },
      ],
    },
  ],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
let snapshot1: number;
let snapshot2: number;

const drift = async (body: Record<string, unknown>) => {
  const res = await postJson(`${s.url}/api/v1/drift`, body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};
// Report bodies are any: the tests check them field by field.
const byFeature = (report: any) => Object.fromEntries(report.features.map((f: any) => [f.feature, f]));
const close = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);
const rates = (rows: Row[]) => rows.map((r) => r.rate).filter((x): x is number => x !== null);

before(async () => {
  const text = `driver_id,event_timestamp,rate,trips,tier\n${csv(first, DAY1, 0)}\n${csv(second, DAY2, ROWS)}\n`;
  s = await pipelineServer({ 'stats.csv': text }, bundle);
  const a = await s.materialize('driver_stats', { start: DAY1 - 1, end: DAY2 - 1 });
  const b = await s.materialize('driver_stats', { start: DAY2 - 1, end: DAY2 + 86_400_000 });
  assert.equal(a.status, 'succeeded', a.error);
  assert.equal(b.status, 'succeeded', b.error);
  snapshot1 = a.snapshotId;
  snapshot2 = b.snapshotId;
});
after(() => s.close());

test('two snapshots with a planted shift: Evidently’s preset methods and values equal the brute-force ones', async () => {
  const report = await drift({ featureView: 'driver_stats', reference: { snapshots: [snapshot1] }, detection: { snapshots: [snapshot2] } });
  const f = byFeature(report);
  // More than 1,000 reference rows: normed Wasserstein for rate, Jensen-Shannon for trips (4 values) and tier.
  assert.equal(f.rate.method, 'wasserstein');
  const r1 = rates(first);
  const r2 = rates(second);
  close(f.rate.statistic, bruteWasserstein(r1, r2) / bruteStd(r1), 1e-9);
  assert.equal(f.rate.drifted, true);
  assert.deepEqual([f.rate.referenceRows, f.rate.referenceNulls, f.rate.threshold], [r1.length, ROWS - r1.length, 0.1]);
  assert.equal(f.trips.method, 'jensen_shannon');
  close(f.trips.statistic, 0, 1e-12);
  assert.equal(f.trips.drifted, false);
  const tiers = alignedCounts(
    first.map((r) => r.tier),
    second.map((r) => r.tier),
  );
  assert.equal(f.tier.method, 'jensen_shannon');
  close(f.tier.statistic, bruteJs(tiers.reference, tiers.detection), 1e-12);
  assert.equal(f.tier.drifted, f.tier.statistic >= 0.1);
  assert.equal(report.driftedFeatures, 1 + Number(f.tier.drifted));
  assert.equal(report.datasetDrift, report.driftedFeatures / 3 >= 0.5);
});

test('method and threshold overrides: KS, PSI on the reference deciles with a null bin, chi-square', async () => {
  const report = await drift({
    featureView: 'driver_stats',
    reference: { start: DAY1, end: DAY2 },
    detection: { start: DAY2 },
    methods: { rate: 'ks', trips: 'chi_square' },
    thresholds: { trips: 0.5 },
    features: ['rate', 'trips'],
  });
  const f = byFeature(report);
  close(f.rate.statistic, bruteKs(rates(first), rates(second)), 1e-12);
  assert.ok(f.rate.pValue < 1e-6, `p = ${f.rate.pValue}`);
  assert.equal(f.rate.drifted, true);
  // trips has identical counts on both days: chi-square 0, p 1, not drifted even at 0.5.
  assert.deepEqual([f.trips.method, f.trips.statistic, f.trips.pValue, f.trips.threshold, f.trips.drifted], ['chi_square', 0, 1, 0.5, false]);
  const psiReport = await drift({ featureView: 'driver_stats', reference: { snapshots: [snapshot1] }, detection: { snapshots: [snapshot2] }, method: 'psi', features: ['rate'] });
  const bins = bruteDecileBins(
    first.map((r) => r.rate),
    second.map((r) => r.rate),
  );
  close(psiReport.features[0].statistic, brutePsi(bins.reference, bins.detection), 1e-12);
});

test('a sample compared with itself drifts nowhere', async () => {
  const report = await drift({ featureView: 'driver_stats', reference: { snapshots: [snapshot1] }, detection: { start: DAY1, end: DAY2 } });
  for (const feature of report.features) {
    assert.equal(feature.drifted, false, JSON.stringify(feature));
    assert.equal(feature.statistic, 0);
  }
  assert.deepEqual([report.driftedFeatures, report.share, report.datasetDrift], [0, 0, false]);
});

test('a `last` window reaching before year 0001 starts nowhere: every row is read and the report shows -∞', async () => {
  // 10,000,000 weeks back is year -189627, which the report once showed as such.
  const report = await drift({ featureView: 'driver_stats', reference: { snapshots: [snapshot1] }, detection: { last: '10000000w' } });
  assert.equal(report.detection.description, 'window [-∞, 2026-11-29T12:00:00.000Z)');
  assert.equal(byFeature(report).trips.detectionRows, 2 * ROWS);
});

test('bad drift requests are 400s naming the field; unknown objects are 404s', async () => {
  const ok = { featureView: 'driver_stats', reference: { snapshots: [1] }, detection: { start: DAY2 } };
  const bad: [unknown, string, number][] = [
    [{ ...ok, reference: undefined }, 'reference', 400],
    [{ ...ok, detection: { start: 'yesterday' } }, 'detection', 400],
    [{ ...ok, features: ['speed'] }, 'features[0]', 400],
    [{ ...ok, methods: { tier: 'ks' } }, 'methods.tier', 400],
    [{ ...ok, methods: { rate: 'median' } }, 'methods.rate', 400],
    [{ ...ok, thresholds: { speed: 0.2 } }, 'thresholds.speed', 400],
    // JSON.parse makes "__proto__" an own key; zod's records would drop it, and the report go on without it.
    [{ ...ok, methods: JSON.parse('{"rate":"ks","__proto__":"psi"}') }, 'methods.__proto__', 400],
    [{ ...ok, thresholds: JSON.parse('{"__proto__":0.5}') }, 'thresholds.__proto__', 400],
    [{ ...ok, driftShare: 2 }, 'driftShare', 400],
    [{ ...ok, detection: { end: DAY1 - 1000 } }, 'detection', 400],
    // Files overlap these windows, but no row falls inside: no sample, not "no drift".
    [{ ...ok, detection: { start: DAY2 + 5001, end: DAY2 + 5999 } }, 'detection', 400],
    [{ ...ok, detection: { start: DAY2 + 5000, end: DAY2 + 5000 } }, 'detection', 400],
    [{ ...ok, reference: { start: DAY2, end: DAY1 } }, 'reference.end', 400],
    [{ ...ok, detection: { start: DAY1, last: '1d' } }, 'detection.last', 400],
    [{ ...ok, reference: { snapshots: [1, 2, 1] } }, 'reference.snapshots[2]', 400],
    [{ ...ok, features: ['rate', 'tier', 'rate'] }, 'features[2]', 400],
    [{ ...ok, detection: { start: Date.parse('2026-11-29T13:00:00Z') } }, 'detection.start', 400],
    // Years 0001-9999 UTC only, as every timestamp Tessera takes.
    [{ ...ok, detection: { start: -8.64e15 } }, 'detection', 400],
    [{ ...ok, reference: { start: '0000-12-31T23:59:59Z', end: DAY1 } }, 'reference', 400],
    [{ ...ok, featureView: 'ghost' }, 'featureView', 404],
    [{ ...ok, reference: { snapshots: [999] } }, 'reference.snapshots[0]', 404],
    [{ ...ok, reference: { dataset: 'nope' } }, 'reference.dataset', 404],
  ];
  for (const [body, field, status] of bad) {
    const res = await postJson(`${s.url}/api/v1/drift`, body);
    assert.equal(res.status, status, `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
    assert.match(res.type, /application\/problem\+json/);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path === field),
      `${JSON.stringify(body)} -> ${JSON.stringify(res.body.errors)}`,
    );
  }
});
