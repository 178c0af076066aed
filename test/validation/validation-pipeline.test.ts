import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { sample } from '../support/prometheus-text.js';
import { getJson, postJson } from '../support/services.js';
import { waitFor } from '../support/spawn-server.js';

// Ten rows read at T0 = 2026-11-29T12:00Z (the test clock). Row 6 repeats row 0's key and event time.
const CSV = `driver_id,ts,rate,kind
1,2026-11-29T01:00:00Z,1.5,a
2,2026-11-29T02:00:00Z,,b
3,2026-11-29T03:00:00Z,12,a
4,2026-11-29T04:00:00Z,2,c
5,2026-11-29T05:00:00Z,,a
6,2026-11-29T06:00:00Z,3,b
1,2026-11-29T01:00:00Z,4,a
7,2026-11-29T08:00:00Z,5,b
8,2026-11-29T09:00:00Z,6,a
9,2026-11-29T10:00:00Z,7,b
`;

function bundle(policy: 'strict' | 'warn'): BundleInput {
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
    featureViews: [
      {
        name: 'checked',
        entities: ['driver'],
        source: 'stats',
        validation: { policy, rowCount: { max: 5 }, uniqueKeys: true, maxLag: '1h' },
        features: [
          { name: 'rate', type: 'float64', transforms: [{ impute: { strategy: 'mean' } }], expect: { maxNullFraction: 0.1, min: 0, max: 10 } },
          { name: 'kind', type: 'string', expect: { allowedValues: ['a', 'b'], regex: '^[ab]$' } },
        ],
      },
    ],
  };
}

const iso = (s: string) => new Date(s).toISOString();
const row = (n: number, id: number, ts: string, rate: number | null, kind: string) => ({ row: n, values: { driver_id: id, ts: iso(ts), rate, kind } });

/** Every expectation's outcome, worked by hand from the ten rows above. */
const EXPECTED = [
  {
    expectation: 'maxNullFraction',
    feature: 'rate',
    column: 'rate',
    observed: 0.2, // 2 nulls of 10 rows
    threshold: 0.1,
    passed: false,
    failingCount: 2,
    failingRows: [row(1, 2, '2026-11-29T02:00:00Z', null, 'b'), row(4, 5, '2026-11-29T05:00:00Z', null, 'a')],
  },
  { expectation: 'min', feature: 'rate', column: 'rate', observed: 1.5, threshold: 0, passed: true, failingCount: 0, failingRows: [] },
  { expectation: 'max', feature: 'rate', column: 'rate', observed: 12, threshold: 10, passed: false, failingCount: 1, failingRows: [row(2, 3, '2026-11-29T03:00:00Z', 12, 'a')] },
  { expectation: 'allowedValues', feature: 'kind', column: 'kind', observed: 1, threshold: ['a', 'b'], passed: false, failingCount: 1, failingRows: [row(3, 4, '2026-11-29T04:00:00Z', 2, 'c')] },
  { expectation: 'regex', feature: 'kind', column: 'kind', observed: 1, threshold: '^[ab]$', passed: false, failingCount: 1, failingRows: [row(3, 4, '2026-11-29T04:00:00Z', 2, 'c')] },
  { expectation: 'rowCount', feature: null, column: null, observed: 10, threshold: { min: null, max: 5 }, passed: false, failingCount: 0, failingRows: [] },
  { expectation: 'uniqueKeys', feature: null, column: null, observed: 1, threshold: 0, passed: false, failingCount: 1, failingRows: [row(6, 1, '2026-11-29T01:00:00Z', 4, 'a')] },
  // Latest event time 10:00, now 12:00: 7200 s against 1 h.
  { expectation: 'maxLag', feature: null, column: null, observed: 7200, threshold: 3600, passed: false, failingCount: 0, failingRows: [] },
];

test('warn: the run commits and its report holds every expectation with hand-worked values', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle('warn'));
  try {
    const run = await s.materialize('checked');
    assert.equal(run.status, 'succeeded', run.error);
    assert.equal(run.rowsIn, 10);
    assert.ok(run.snapshotId !== null, 'committed');
    assert.ok(
      run.steps.some((st: { name: string }) => st.name === 'validate'),
      'a validate step is timed',
    );
    const report = await getJson(`${s.url}/api/v1/runs/${run.id}/validation`);
    assert.equal(report.status, 200);
    assert.deepEqual(
      { ...report.body, checkedAt: undefined },
      { runId: run.id, featureView: 'checked', version: 1, policy: 'warn', passed: false, rows: 10, checkedAt: undefined, expectations: EXPECTED },
    );
    assert.equal(report.body.checkedAt, '2026-11-29T12:00:00.000Z');
    // One failure counted per failed expectation (seven), by kind and policy.
    const scraped = await waitFor('the validation counter', 60_000, async () => {
      const text = (await fetch(`${s.url}/metrics`).then((r) => r.text())) as string;
      return sample(text, 'tessera_validation_failures_total', { feature_view: 'checked', expectation: 'uniqueKeys', policy: 'warn' }) === 1 ? text : undefined;
    });
    assert.equal(sample(scraped, 'tessera_validation_failures_total', { feature_view: 'checked', expectation: 'maxNullFraction', policy: 'warn' }), 1);
    assert.equal(sample(scraped, 'tessera_validation_failures_total', { feature_view: 'checked', expectation: 'min', policy: 'warn' }), null);
  } finally {
    await s.close();
  }
});

test('strict: a failing run commits nothing and fails with validation_failed; its report is kept; editing expectations keeps the version', async () => {
  const s = await pipelineServer({ 'data/stats.csv': CSV }, bundle('strict'));
  try {
    const run = await s.materialize('checked');
    assert.equal(run.status, 'failed');
    assert.equal(run.reason, 'validation_failed');
    assert.equal(run.snapshotId, null);
    assert.ok(run.steps.some((st: { name: string }) => st.name === 'validate'));
    const version = await getJson(`${s.url}/api/v1/feature-views/checked/versions/1`);
    assert.deepEqual(version.body.snapshots, []);
    // The staged files are gone with the run: no Parquet anywhere under the view.
    const viewDir = path.join(s.dataDir, 'offline/checked');
    const parquet = fs.existsSync(viewDir) ? fs.readdirSync(viewDir, { recursive: true }).filter((f) => String(f).endsWith('.parquet')) : [];
    assert.deepEqual(parquet, []);
    const report = await getJson(`${s.url}/api/v1/runs/${run.id}/validation`);
    assert.equal(report.body.policy, 'strict');
    assert.equal(report.body.passed, false);
    assert.deepEqual(report.body.expectations, EXPECTED);

    // Loosen the expectations: metadata, so the view is updated in place (no version 2), and the next run passes.
    const loose = bundle('strict');
    loose.featureViews![0].validation = { policy: 'strict', rowCount: { min: 10, max: 10 } };
    loose.featureViews![0].features[0].expect = { maxNullFraction: 0.2, max: 12 };
    delete loose.featureViews![0].features[1].expect;
    const applied = await postJson(`${s.url}/api/v1/apply`, loose);
    assert.equal(applied.status, 200);
    assert.deepEqual(applied.body.newVersions, []);
    assert.deepEqual(
      applied.body.updated.map((u: { name: string }) => u.name),
      ['checked'],
    );
    const again = await s.materialize('checked');
    assert.equal(again.status, 'succeeded', again.error);
    assert.equal(again.version, 1);
    const passed = await getJson(`${s.url}/api/v1/runs/${again.id}/validation`);
    assert.equal(passed.body.passed, true);
    assert.deepEqual(
      passed.body.expectations.map((e: { expectation: string; observed: number }) => [e.expectation, e.observed]),
      [
        ['maxNullFraction', 0.2],
        ['max', 12],
        ['rowCount', 10],
      ],
    );
  } finally {
    await s.close();
  }
});
