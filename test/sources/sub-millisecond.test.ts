import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// Times are whole milliseconds: digits past the third are cut, never rounded up.
const CSV = `id,ts,f
u1,2026-11-01T00:00:00.0009Z,1
u2,2026-11-01T00:00:01.9999Z,2
`;
const bundle: BundleInput = {
  entities: [{ name: 'user', joinKeys: ['id'], valueType: 'string' }],
  sources: [{ name: 'src', type: 'csv', path: 'd.csv', timestampField: 'ts' }],
  featureViews: [{ name: 'v', entities: ['user'], source: 'src', features: [{ name: 'f', type: 'float64' }] }],
};

test('sub-millisecond times are truncated to the millisecond, in sources and in entity rows alike', async () => {
  const s = await pipelineServer({ 'd.csv': CSV }, bundle);
  try {
    assert.equal((await s.materialize('v')).status, 'succeeded');
    const hist = await postJson(`${s.url}/get-historical-features`, {
      features: ['v:f'],
      // u1's .0001 and its row's .0009 are both .000: the row is visible. u2's row at 01.9999 is 01.999
      // (rounded, it would be 02.000 and not visible at 01.999).
      entities: { id: ['u1', 'u2'], event_timestamp: ['2026-11-01T00:00:00.0001Z', '2026-11-01T00:00:01.999Z'] },
    });
    assert.equal(hist.status, 200, JSON.stringify(hist.body));
    assert.deepEqual(hist.body.f, [1, 2]);
    assert.deepEqual(hist.body.event_timestamp, ['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:01.999Z']);
    const online = await postJson(`${s.url}/get-online-features`, { features: ['v:f'], entities: { id: ['u1', 'u2'] } });
    assert.deepEqual(online.body.results[1].event_timestamps, ['2026-11-01T00:00:00Z', '2026-11-01T00:00:01.999Z']);
  } finally {
    await s.close();
  }
});
