import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { getJson, postJson } from '../support/services.js';

// Rows tied on key and event time: the snapshot keeps one (docs/deviations.md, "Rows that tie on key
// and event time"); the losers must not reach the fit or ffill either.
// u1 at 00:00 twice: 10 and kind "x" read first (loses the full tie), 20 and "a" read last (wins).
const PLAIN = `id,ts,f,kind
u1,2026-11-01T00:00:00Z,10,x
u2,2026-11-01T01:00:00Z,30,a
u1,2026-11-01T00:00:00Z,20,a
u3,2026-11-01T02:00:00Z,,b
`;
// The same with created times: the row read first wins (greater created time).
const CREATED = `id,ts,created,f,kind
u1,2026-11-01T00:00:00Z,2026-11-03T00:00:00Z,20,a
u2,2026-11-01T01:00:00Z,2026-11-03T00:00:00Z,30,a
u1,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z,10,x
u3,2026-11-01T02:00:00Z,2026-11-03T00:00:00Z,,b
`;
// u1 at 01:00 twice: 7 read first loses to the null read last.
const FILL = `id,ts,g
u1,2026-11-01T00:00:00Z,5
u1,2026-11-01T01:00:00Z,7
u1,2026-11-01T01:00:00Z,
u1,2026-11-01T02:00:00Z,
`;

const features = [
  { name: 'f', type: 'float64' as const, transforms: [{ impute: { strategy: 'mean' as const } }] },
  { name: 'kind', type: 'string' as const, transforms: [{ encode: { method: 'ordinal' as const } }] },
];
const bundle: BundleInput = {
  entities: [{ name: 'user', joinKeys: ['id'], valueType: 'string' }],
  sources: [
    { name: 'plain', type: 'csv', path: 'plain.csv', timestampField: 'ts' },
    { name: 'created', type: 'csv', path: 'created.csv', timestampField: 'ts', createdTimestampField: 'created' },
    { name: 'fill', type: 'csv', path: 'fill.csv', timestampField: 'ts' },
  ],
  featureViews: [
    { name: 'plain', entities: ['user'], source: 'plain', features },
    { name: 'created', entities: ['user'], source: 'created', features },
    // An ffill feature beside them: the view fits in memory, by another path.
    { name: 'plain_ffill', entities: ['user'], source: 'plain', features: [...features, { name: 'g', from: 'f', type: 'float64', transforms: [{ impute: { strategy: 'ffill' } }] }] },
    { name: 'fill', entities: ['user'], source: 'fill', features: [{ name: 'g', type: 'float64', transforms: [{ impute: { strategy: 'ffill' } }] }] },
  ],
};

for (const [how, overrides] of [
  ['held in memory', {}],
  ['parked on disk, one row a batch', { spillRows: 1, batchSize: 1 }],
] as const)
  test(`the fit sees the rows the snapshot keeps: a row that lost a tie on key and event time counts for nothing (rows ${how})`, async () => {
    const s = await pipelineServer({ 'plain.csv': PLAIN, 'created.csv': CREATED, 'fill.csv': FILL }, bundle, overrides);
    try {
      for (const view of ['plain', 'created', 'plain_ffill']) {
        const run = await s.materialize(view);
        assert.equal(run.status, 'succeeded', view);
        assert.equal(run.rowsOut, 3, `${view}: one row of u1 at 00:00 is kept`);
        const state = (await getJson(`${s.url}/api/v1/feature-views/${view}/versions/1`)).body.fittedState;
        // By hand: the kept values of f are 20 and 30 (u3's is null), mean 25; kind's kept values are
        // a, a, b: "x" was never kept, so it is no category.
        assert.deepEqual(state.features.f, [{ value: 25 }], view);
        assert.deepEqual(state.features.kind, [{ categories: ['a', 'b'] }], view);
        assert.equal(state.rows, 3, view);
        const hist = await postJson(`${s.url}/get-historical-features`, {
          features: [`${view}:f`, `${view}:kind`],
          entities: { id: ['u1', 'u3'], event_timestamp: ['2026-11-01T00:30:00Z', '2026-11-01T03:00:00Z'] },
        });
        assert.equal(hist.status, 200);
        assert.deepEqual(hist.body.f, [20, 25], `${view}: u3's null imputed with the mean of the kept rows`);
        assert.deepEqual(hist.body.kind, [0, 1], view);
      }
    } finally {
      await s.close();
    }
  });

test('ffill never fills from a row that lost a tie on key and event time', async () => {
  const s = await pipelineServer({ 'plain.csv': PLAIN, 'created.csv': CREATED, 'fill.csv': FILL }, bundle);
  try {
    assert.equal((await s.materialize('fill')).status, 'succeeded');
    // The kept rows of u1: 5 at 00:00, null at 01:00, null at 02:00. Both nulls become 5, the last
    // value kept before them; 7 was dropped with the row that lost the tie.
    const hist = await postJson(`${s.url}/get-historical-features`, {
      features: ['fill:g'],
      entities: { id: ['u1', 'u1', 'u1'], event_timestamp: ['2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z', '2026-11-01T02:00:00Z'] },
    });
    assert.deepEqual(hist.body.g, [5, 5, 5]);
    const online = await postJson(`${s.url}/get-online-features`, { features: ['fill:g'], entities: { id: ['u1'] } });
    assert.deepEqual(online.body.results[1].values, [5]);
  } finally {
    await s.close();
  }
});
