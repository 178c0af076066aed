import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getJson, postJson } from '../support/services.js';
import { alertServer } from './alert-fixture.js';

const webhook = { name: 'ops', url: 'http://127.0.0.1:9/hook', secret: { env: 'OPS_HOOK_SECRET' } };

test('bad alert rules and webhooks are a 400 naming the field, and store nothing', async () => {
  const s = await alertServer();
  try {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ alerts: [{ name: 'a', kind: 'latency' }] }, 'alerts[0].kind', /run_failures/],
      [{ alerts: [{ name: 'a', kind: 'run_failures', webhooks: ['nowhere'] }] }, 'alerts[0].webhooks[0]', /webhook 'nowhere' does not exist/],
      [{ alerts: [{ name: 'a', kind: 'run_failures', threshold: 0 }] }, 'alerts[0].threshold', /integer from 1 to 100/],
      [{ alerts: [{ name: 'a', kind: 'run_failures', threshold: 1.5 }] }, 'alerts[0].threshold', /integer from 1 to 100/],
      [{ alerts: [{ name: 'a', kind: 'freshness', threshold: -1 }] }, 'alerts[0].threshold', /at least 0/],
      [{ alerts: [{ name: 'a', kind: 'drift', threshold: 'high' }] }, 'alerts[0].threshold', /number/],
      [{ alerts: [{ name: 'a', kind: 'run_failures', featureViews: ['nope'] }] }, 'alerts[0].featureViews[0]', /feature view 'nope' does not exist/],
      [{ alerts: [{ name: 'a', kind: 'run_failures', retrain: 'yes' }] }, 'alerts[0].retrain', /boolean/],
      [
        {
          alerts: [
            { name: 'a', kind: 'run_failures' },
            { name: 'a', kind: 'drift' },
          ],
        },
        'alerts[1].name',
        /defined twice/,
      ],
      [{ webhooks: [{ ...webhook, url: 'ftp://example.com/x' }] }, 'webhooks[0].url', /http/],
      [{ webhooks: [{ ...webhook, secret: 'hunter2' }] }, 'webhooks[0].secret', /object/],
      [{ webhooks: [{ ...webhook, secret: { env: '1BAD' } }] }, 'webhooks[0].secret.env', /environment variable/],
      [{ webhooks: [{ ...webhook, maxAttempts: 0 }] }, 'webhooks[0].maxAttempts', /1/],
      [{ webhooks: [{ ...webhook, timeoutMs: 10 }] }, 'webhooks[0].timeoutMs', /100/],
    ];
    for (const [bundle, field, message] of cases) {
      const res = await postJson(`${s.url}/api/v1/apply`, bundle);
      assert.equal(res.status, 400, `${JSON.stringify(bundle)}: ${JSON.stringify(res.body)}`);
      assert.match(res.type, /application\/problem\+json/);
      const error = res.body.errors.find((e: { path: string }) => e.path === field);
      assert.ok(error, `${JSON.stringify(bundle)}: no error at ${field} in ${JSON.stringify(res.body.errors)}`);
      assert.match(error.message, message);
    }
    assert.deepEqual(await s.services.catalogStore.applyHistory(10).then((h) => h.length), 1, 'only the fixture apply is recorded');
    const catalog = await s.services.catalog.refresh();
    assert.deepEqual([catalog.alerts.size, catalog.webhooks.size], [0, 0]);
  } finally {
    await s.close();
  }
});

test('good rules and webhooks are stored with their defaults; a webhook in use cannot be deleted', async () => {
  const s = await alertServer();
  try {
    const bundle = { webhooks: [webhook], alerts: [{ name: 'runs_failing', kind: 'run_failures', featureViews: ['stats_view'], webhooks: ['ops'], retrain: true }] };
    const res = await postJson(`${s.url}/api/v1/apply`, bundle);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.created, [
      { kind: 'webhook', name: 'ops' },
      { kind: 'alert', name: 'runs_failing' },
    ]);
    const catalog = await s.services.catalog.get();
    assert.deepEqual(catalog.webhooks.get('ops')?.spec, { ...webhook, timeoutMs: 5_000, maxAttempts: 5, backoffMs: 1_000 });
    assert.deepEqual(catalog.alerts.get('runs_failing')?.spec, { name: 'runs_failing', kind: 'run_failures', featureViews: ['stats_view'], webhooks: ['ops'], retrain: true });
    assert.equal((await postJson(`${s.url}/api/v1/apply`, bundle)).body.unchanged.length, 2);
    await assert.rejects(s.services.deleteService.delete('webhook', 'ops'), /used by alert rule 'runs_failing'/);
    await assert.rejects(s.services.deleteService.delete('featureView', 'stats_view'), /used by alert rule 'runs_failing'/);
    assert.equal((await getJson(`${s.url}/api/v1/feature-views/stats_view`)).status, 200);
  } finally {
    await s.close();
  }
});
