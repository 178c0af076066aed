import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BundleInput } from '../../server/domain/bundle.js';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { assertOutOfRangeRefused } from '../support/out-of-range.js';
import { postJson } from '../support/services.js';

// Rows at a backfill's exact start and end, one before it, two inside.
const CSV = `driver_id,ts,rate
1,2026-11-27T10:00:00Z,1
1,2026-11-28T00:00:00Z,2
1,2026-11-28T10:00:00Z,3
2,2026-11-28T11:00:00Z,4
2,2026-11-29T00:00:00Z,5
`;
const view = (name: string) => ({ name, entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64' as const }] });
const bundle: BundleInput = {
  entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
  sources: [
    { name: 'stats', type: 'csv', path: 'stats.csv', timestampField: 'ts' },
    { name: 'eras', type: 'csv', path: 'eras.csv', timestampField: 'ts' },
  ],
  featureViews: [view('feast_window'), view('end_only'), { ...view('all_time'), source: 'eras' }],
};

let s: Awaited<ReturnType<typeof pipelineServer>>;
before(async () => {
  s = await pipelineServer({ 'stats.csv': CSV, 'eras.csv': `driver_id,ts,rate\n1,0001-01-01T00:00:00Z,1\n2,2026-11-28T00:00:00Z,2\n` }, bundle);
});
after(() => s.close());

test("Feast's /materialize reads [start_ts, end_ts]: the row at exactly start_ts is read, as Feast's BETWEEN reads it", async () => {
  const res = await postJson(`${s.url}/materialize`, { start_ts: '2026-11-28T00:00:00Z', end_ts: '2026-11-29T00:00:00Z', feature_views: ['feast_window'] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const [run] = res.body.runs;
  assert.equal(run.status, 'succeeded', run.error);
  assert.equal(run.rowsIn, 4, 'the rows of the 28th at 00:00, 10:00 and 11:00, and of the 29th at 00:00');
});

test('a materialization given only its end starts at the watermark, as the API says, not at the beginning', async () => {
  s.services.clock.set(Date.parse('2026-11-28T10:30:00Z'));
  try {
    const first = await s.materialize('end_only');
    assert.equal(first.status, 'succeeded', first.error);
    assert.equal(first.rowsIn, 3);
  } finally {
    s.services.clock.set(Date.parse('2026-11-29T12:00:00Z'));
  }
  const res = await postJson(`${s.url}/api/v1/feature-views/end_only/materialize?wait=true`, { end: '2026-11-29T00:00:00Z' });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'succeeded', res.body.error);
  assert.equal(res.body.rowsIn, 2, 'the rows after the watermark (10:30 on the 28th): 11:00 and the 29th at 00:00');
  assert.equal(res.body.window.start, '2026-11-28T10:30:00.000Z');
});

test('a window reaching outside years 0001-9999 UTC is a 400 naming its end, on both materialize routes', async () => {
  const cases: [string, object, string][] = [
    ['/materialize', { start_ts: '0000-12-31T23:59:59Z', end_ts: '2026-11-29T00:00:00Z', feature_views: ['end_only'] }, 'start_ts'],
    ['/materialize', { start_ts: '2026-11-28T00:00:00Z', end_ts: '-62135596800001', feature_views: ['end_only'] }, 'end_ts'],
    ['/api/v1/feature-views/end_only/materialize', { start: -62_198_755_200_001, end: '2026-11-28T00:00:00Z' }, 'start'],
    ['/api/v1/feature-views/end_only/materialize', { start: '2026-11-27T00:00:00Z', end: 8.64e15 }, 'end'],
  ];
  await assertOutOfRangeRefused(s.url, cases);
});

test("Feast's /materialize without event times reads from the first instant a timestamp holds, and shows its window as RFC 3339", async () => {
  const res = await postJson(`${s.url}/materialize`, { disable_event_timestamp: true, feature_views: ['all_time'] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const [run] = res.body.runs;
  assert.equal(run.status, 'succeeded', run.error);
  assert.equal(run.rowsIn, 2, 'the row at 0001-01-01T00:00:00Z too');
  // Was '-271821-04-20T00:00:00.000Z' (JS Date's first instant), which no RFC 3339 reader takes.
  assert.equal(run.window.start, '0000-12-31T23:59:59.999Z');
});
