import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson } from '../support/services.js';

// In read order f1 sums to 0.6000000000000001 over 6 values (1e16 + 1 - 1e16 is 0 there, then 0.6);
// grouped by entity (u1's rows first: 1e16 + 0.2 + 1, where the small ones are lost) it sums to 0.4.
const CSV = `id,ts,f1,f5
u1,2026-11-01T00:00:00Z,1e16,1
u2,2026-11-01T01:00:00Z,1,
u3,2026-11-01T02:00:00Z,-1e16,2
u4,2026-11-01T03:00:00Z,0.1,
u5,2026-11-01T04:00:00Z,,3
u6,2026-11-01T05:00:00Z,0.3,
u1,2026-11-01T06:00:00Z,0.2,
u7,2026-11-01T07:00:00Z,,4
`;
const f1 = { name: 'f1', type: 'float64' as const, transforms: [{ impute: { strategy: 'mean' as const } }, { scale: { method: 'standard' as const } }] };
const bundle: BundleInput = {
  entities: [{ name: 'user', joinKeys: ['id'], valueType: 'string' }],
  sources: [{ name: 'src', type: 'csv', path: 'd.csv', timestampField: 'ts' }],
  featureViews: [
    { name: 'plain', entities: ['user'], source: 'src', features: [f1] },
    { name: 'with_ffill', entities: ['user'], source: 'src', features: [f1, { name: 'f5', type: 'float64', transforms: [{ impute: { strategy: 'ffill', fallback: 'median' } }] }] },
  ],
};

test("a feature's fitted state does not depend on another feature of its view having an ffill step: both fit in read order", async () => {
  const s = await pipelineServer({ 'd.csv': CSV }, bundle);
  try {
    const state = async (view: string) => {
      assert.equal((await s.materialize(view)).status, 'succeeded');
      return (await getJson(`${s.url}/api/v1/feature-views/${view}/versions/1`)).body.fittedState.features;
    };
    const plain = await state('plain');
    const withFfill = await state('with_ffill');
    // The mean, by hand: a left-to-right sum of the six values in read order, over 6.
    let sum = 0;
    for (const v of [1e16, 1, -1e16, 0.1, 0.3, 0.2]) sum += v;
    assert.equal(sum, 0.6000000000000001);
    assert.equal((plain.f1[0] as { value: number }).value, sum / 6);
    assert.deepEqual(withFfill.f1, plain.f1);
    assert.deepEqual(Object.keys(withFfill), ['f1', 'f5'], 'states in the definition order');
  } finally {
    await s.close();
  }
});
