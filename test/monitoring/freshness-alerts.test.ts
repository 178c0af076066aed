import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pipelineServer } from '../support/pipeline-fixture.js';
import { T0 } from '../support/services.js';

const H = 3_600_000;

test("alert kind freshness: never committed fires, a run clears it, data older than staleAfter fires again; a rule's threshold replaces the view's limit", async () => {
  const s = await pipelineServer(
    // Latest event time 11:30, half an hour before T0.
    { 'data/a.csv': 'driver_id,ts,rate\n1,2026-11-29T11:30:00Z,0.5\n' },
    {
      entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
      sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
      featureViews: [{ name: 'fresh', entities: ['driver'], source: 'stats', freshness: { staleAfter: '1h' }, features: [{ name: 'rate', type: 'float64' }] }],
      alerts: [
        { name: 'stale', kind: 'freshness' },
        { name: 'very_stale', kind: 'freshness', threshold: 86_400 },
      ],
    },
    { alertIntervalMs: 0 },
  );
  try {
    const alerts = s.services.alerts;
    const fired = (await alerts.evaluate()).fired;
    assert.deepEqual(fired.map((a) => [a.rule, a.subject, a.value]).sort(), [
      ['stale', 'fresh', null],
      ['very_stale', 'fresh', null],
    ]);
    assert.equal((await s.materialize('fresh')).status, 'succeeded');
    assert.equal((await alerts.evaluate()).resolved.length, 2);

    // Two hours on: 2.5 h old, above the view's hour, below the other rule's day.
    s.services.clock.set(T0 + 2 * H);
    const again = (await alerts.evaluate()).fired;
    assert.deepEqual(
      again.map((a) => [a.rule, a.value]),
      [['stale', 9_000]],
    );
  } finally {
    await s.close();
  }
});
