import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson } from '../support/services.js';

// The last row is at 11-05; a 2-day window is (11-03, 11-05]: the row at 11-03 exactly is out, as a
// run window (watermark, end] leaves out its start.
const CSV = `id,ts,f
u1,2026-11-01T00:00:00Z,1000
u2,2026-11-03T00:00:00Z,100
u3,2026-11-03T00:00:00.001Z,10
u4,2026-11-05T00:00:00Z,20
`;
const bundle: BundleInput = {
  entities: [{ name: 'user', joinKeys: ['id'], valueType: 'string' }],
  sources: [{ name: 'src', type: 'csv', path: 'd.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'v', entities: ['user'], source: 'src', fit: { window: '2d' }, features: [{ name: 'f', type: 'float64', transforms: [{ impute: { strategy: 'mean' } }] }] }],
};

test("fit.window's start is exclusive: a row exactly one window before the last one is no fit row", async () => {
  const s = await pipelineServer({ 'd.csv': CSV }, bundle);
  try {
    const run = await s.materialize('v');
    assert.equal(run.status, 'succeeded');
    assert.equal(run.rowsOut, 4, 'the window selects fit rows; every row is stored');
    const state = (await getJson(`${s.url}/api/v1/feature-views/v/versions/1`)).body.fittedState;
    // By hand: the rows after 11-03T00:00:00.000Z are 10 and 20, mean 15.
    assert.deepEqual(state.features.f, [{ value: 15 }]);
    assert.equal(state.rows, 2);
    assert.equal(state.from, Date.parse('2026-11-03T00:00:00.001Z'));
    assert.equal(state.to, Date.parse('2026-11-05T00:00:00Z'));
  } finally {
    await s.close();
  }
});
