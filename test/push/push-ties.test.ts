import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { postJson } from '../support/services.js';

// Rows of one push tied on key and event time: the snapshot and the online store keep one (the
// greatest created time, null loses, then the row sent last); ffill must not fill from the other
// (docs/transforms.md, "Forward fill"), as a run's ffill does not (test/pipelines/tied-rows.test.ts).
const PLAIN = `id,ts,g
u0,2026-11-01T00:00:00Z,1
`;
const CREATED = `id,ts,created,g
u0,2026-11-01T00:00:00Z,2026-11-01T00:00:00Z,1
`;

const ffill = [{ name: 'g', type: 'float64' as const, transforms: [{ impute: { strategy: 'ffill' as const } }] }];
const bundle: BundleInput = {
  entities: [{ name: 'user', joinKeys: ['id'], valueType: 'string' }],
  sources: [
    { name: 'plain_batch', type: 'csv', path: 'plain.csv', timestampField: 'ts' },
    { name: 'created_batch', type: 'csv', path: 'created.csv', timestampField: 'ts', createdTimestampField: 'created' },
    { name: 'plain_push', type: 'push', batchSource: 'plain_batch', timestampField: 'ts' },
    { name: 'created_push', type: 'push', batchSource: 'created_batch', timestampField: 'ts', createdTimestampField: 'created' },
  ],
  featureViews: [
    { name: 'plain', entities: ['user'], source: 'plain_push', features: ffill },
    { name: 'created', entities: ['user'], source: 'created_push', features: ffill },
  ],
};

const T = ['2026-11-20T00:00:00Z', '2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z'];

test('ffill in one push never fills from a row that lost a tie on key and event time', async () => {
  const s = await pipelineServer({ 'plain.csv': PLAIN, 'created.csv': CREATED }, bundle, { pushCommitMs: 20 });
  try {
    for (const view of ['plain', 'created']) assert.equal((await s.materialize(view)).status, 'succeeded', view);
    // u1 at T[1] twice: 7 sent first loses to the null sent last (no created time).
    const plain = await postJson(`${s.url}/push`, {
      push_source_name: 'plain_push',
      df: { id: ['u1', 'u1', 'u1', 'u1'], ts: [T[0], T[1], T[1], T[2]], g: [5, 7, null, null] },
      to: 'online_and_offline',
    });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.feature_views[0].rows, 3, 'the row that lost the tie is not written');
    // u1 at T[1] twice: the null (created later) wins over 7, though 7 is sent last; sent out of time order.
    const created = await postJson(`${s.url}/push`, {
      push_source_name: 'created_push',
      df: { id: ['u1', 'u1', 'u1', 'u1'], ts: [T[2], T[1], T[0], T[1]], created: [T[2], T[2], T[0], T[1]], g: [null, null, 5, 7] },
      to: 'online_and_offline',
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.feature_views[0].rows, 3);
    for (const view of ['plain', 'created']) {
      // The kept rows of u1: 5, null, null; both nulls become 5. 7 was never kept.
      const hist = await postJson(`${s.url}/get-historical-features`, { features: [`${view}:g`], entities: { id: ['u1', 'u1', 'u1'], event_timestamp: T } });
      assert.equal(hist.status, 200, JSON.stringify(hist.body));
      assert.deepEqual(hist.body.g, [5, 5, 5], view);
      const online = await postJson(`${s.url}/get-online-features`, { features: [`${view}:g`], entities: { id: ['u1'] } });
      assert.deepEqual(online.body.results[1].values, [5], view);
    }
  } finally {
    await s.close();
  }
});
