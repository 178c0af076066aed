import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadDefinitions } from '../../server/definitions/load-definitions.js';
import { TesseraError } from '../../server/errors.js';
import { waitFor } from '../support/spawn-server.js';
import { tempDir, writeFiles } from '../support/temp-dir.js';
import { alertServer } from './alert-fixture.js';

test('the scheduler lease holder evaluates the rules every TESSERA_ALERT_INTERVAL_MS', async () => {
  const s = await alertServer({ alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1 }] }, { alertIntervalMs: 50 });
  try {
    assert.equal(s.pipelines.isLeader, true);
    assert.equal(await s.run(), 'failed');
    const [alert] = await waitFor('the loop to open an alert', 60_000, async () => {
      const open = await s.services.alerts.list({ limit: 10, status: 'open' });
      return open.length ? open : undefined;
    });
    assert.deepEqual([alert.rule, alert.subject], ['any_failure', 'stats_view']);
    s.healData();
    assert.equal(await s.run(), 'succeeded');
    await waitFor('the loop to resolve it', 60_000, async () => ((await s.services.registry.alerts.get(alert.id))?.status === 'resolved' ? true : undefined));
  } finally {
    await s.close();
  }
});

test('rules in a definitions folder: errors name the file and the field', () => {
  const dir = tempDir();
  writeFiles(dir, {
    'alerts.yaml': 'webhooks:\n  - name: ops\n    url: http://127.0.0.1:9/hook\nalerts:\n  - name: a\n    kind: drift\n  - name: b\n    kind: latency\n',
  });
  assert.throws(
    () => loadDefinitions(dir),
    (e: unknown) => e instanceof TesseraError && e.errors.some((x) => x.path === 'alerts.yaml: alerts[1].kind'),
  );
  writeFiles(dir, { 'alerts.yaml': 'alerts:\n  - name: a\n    kind: drift\n    webhooks: [ops]\n', 'hooks.yaml': 'webhooks:\n  - name: ops\n    url: http://127.0.0.1:9/hook\n' });
  const loaded = loadDefinitions(dir);
  assert.deepEqual([loaded.bundle.alerts.map((a) => a.name), loaded.bundle.webhooks.map((w) => w.name)], [['a'], ['ops']]);
  assert.equal(loaded.origin('alerts[0].webhooks[0]'), 'alerts.yaml: alerts[0].webhooks[0]');
  assert.equal(loaded.origin('webhooks[0].url'), 'hooks.yaml: webhooks[0].url');
});
