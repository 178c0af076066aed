import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { pipelineServer } from '../support/pipeline-fixture.js';

test('alert kind validation: fires on a run whose report fails, resolves when the next run passes', async () => {
  const s = await pipelineServer(
    { 'data/a.csv': 'driver_id,ts,rate\n1,2026-11-29T01:00:00Z,\n2,2026-11-29T01:00:00Z,0.5\n' },
    {
      entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
      sources: [{ name: 'stats', type: 'csv', path: 'data/*.csv', timestampField: 'ts' }],
      featureViews: [{ name: 'checked', entities: ['driver'], source: 'stats', features: [{ name: 'rate', type: 'float64', expect: { notNull: true, max: 1 } }] }],
      alerts: [{ name: 'bad_data', kind: 'validation' }],
    },
    { alertIntervalMs: 0 },
  );
  try {
    const alerts = s.services.alerts;
    const before = await alerts.evaluate();
    assert.deepEqual(before.fired, [], 'no finished run: nothing fires');
    const first = await s.materialize('checked');
    assert.equal(first.status, 'succeeded');
    const fired = (await alerts.evaluate()).fired;
    assert.deepEqual(
      fired.map((a) => [a.rule, a.subject, a.value]),
      [['bad_data', 'checked', 1]],
    );
    assert.match(fired[0].message, new RegExp(`run ${first.id} failed 1 expectation\\(s\\) \\(rate.notNull\\)`));

    // The next run reads only the new row (after the watermark), which passes.
    s.services.clock.set(s.services.clock.now() + 3_600_000);
    fs.writeFileSync(s.file('data/b.csv'), 'driver_id,ts,rate\n3,2026-11-29T12:30:00Z,0.25\n');
    const second = await s.materialize('checked');
    assert.equal(second.rowsIn, 1);
    const resolved = (await alerts.evaluate()).resolved;
    assert.deepEqual(
      resolved.map((a) => [a.id, a.status]),
      [[fired[0].id, 'resolved']],
    );
  } finally {
    await s.close();
  }
});
