import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson, postJson } from '../support/services.js';
import { alertServer } from './alert-fixture.js';

test('POST /api/v1/alerts/evaluate answers what changed; GET /api/v1/alerts lists newest first, filtered', async () => {
  const s = await alertServer({
    alerts: [
      { name: 'any_failure', kind: 'run_failures', threshold: 1 },
      { name: 'two_failures', kind: 'run_failures' },
    ],
  });
  try {
    assert.equal(await s.run(), 'failed');
    const t1 = s.tick();
    const first = await postJson(`${s.url}/api/v1/alerts/evaluate`, '');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.evaluatedAt, new Date(t1).toISOString());
    assert.deepEqual(
      first.body.fired.map((a: { rule: string; subject: string; value: number; firedAt: string }) => [a.rule, a.subject, a.value, a.firedAt]),
      [['any_failure', 'stats_view', 1, new Date(t1).toISOString()]],
    );
    assert.deepEqual(
      first.body.rules.map((r: { rule: string; firing: number }) => [r.rule, r.firing]),
      [
        ['any_failure', 1],
        ['two_failures', 0],
      ],
    );
    assert.equal(await s.run(), 'failed');
    s.tick();
    const second = (await postJson(`${s.url}/api/v1/alerts/evaluate`, '')).body;
    assert.deepEqual(
      second.fired.map((a: { rule: string }) => a.rule),
      ['two_failures'],
    );

    const all = (await getJson(`${s.url}/api/v1/alerts`)).body.alerts;
    assert.deepEqual(
      all.map((a: { rule: string }) => a.rule),
      ['two_failures', 'any_failure'],
    );
    assert.deepEqual(all[1].deliveries, []);
    assert.deepEqual(
      (await getJson(`${s.url}/api/v1/alerts?rule=any_failure&status=open`)).body.alerts.map((a: { id: number }) => a.id),
      [all[1].id],
    );
    assert.deepEqual((await getJson(`${s.url}/api/v1/alerts?status=resolved`)).body.alerts, []);
    assert.deepEqual(
      (await getJson(`${s.url}/api/v1/alerts?limit=1&before=${all[0].id}`)).body.alerts.map((a: { id: number }) => a.id),
      [all[1].id],
    );
    for (const [query, field] of [
      ['status=closed', 'status'],
      ['rule=Bad-Name', 'rule'],
      ['limit=0', 'limit'],
    ]) {
      const bad = await getJson(`${s.url}/api/v1/alerts?${query}`);
      assert.equal(bad.status, 400, query);
      assert.ok(
        bad.body.errors.some((e: { path: string }) => e.path.endsWith(field)),
        `${query}: ${JSON.stringify(bad.body.errors)}`,
      );
    }
  } finally {
    await s.close();
  }
});
