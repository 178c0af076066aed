import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { AlertService } from '../../server/alerts/alert-service.js';
import { conditionProvider } from '../../server/alerts/condition-provider.js';
import { alertServer } from './alert-fixture.js';

test('run_failures: fires after two failed runs, stays one alert while open, resolves on success, fires anew later', async () => {
  const s = await alertServer({ alerts: [{ name: 'runs_failing', kind: 'run_failures', retrain: true }] });
  try {
    fs.mkdirSync(s.file('data'), { recursive: true });
    const alerts = s.services.alerts;
    assert.equal(await s.run(), 'failed');
    const one = await alerts.evaluate();
    assert.deepEqual([one.fired, one.resolved], [[], []]);
    assert.deepEqual(
      one.rules.map((r) => [r.rule, r.status, r.subjects, r.firing]),
      [['runs_failing', 'ok', 1, 0]],
    );

    const t1 = s.tick();
    assert.equal(await s.run(), 'failed');
    const two = await alerts.evaluate();
    assert.equal(two.fired.length, 1);
    const fired = two.fired[0];
    assert.deepEqual(
      { ...fired, message: undefined },
      { id: fired.id, rule: 'runs_failing', kind: 'run_failures', subject: 'stats_view', status: 'open', value: 2, message: undefined, retrain: true, firedAt: t1, lastSeenAt: t1, resolvedAt: null },
    );
    assert.match(fired.message, /the last 2 runs of feature view 'stats_view' failed .*source_error/);

    // Still failing, a third failure too: the same alert, seen again.
    const t2 = s.tick();
    assert.equal(await s.run(), 'failed');
    const three = await alerts.evaluate();
    assert.deepEqual([three.fired, three.resolved], [[], []]);
    let list = await alerts.list({ limit: 10 });
    assert.deepEqual(
      list.map((a) => [a.id, a.status, a.firedAt, a.lastSeenAt]),
      [[fired.id, 'open', t1, t2]],
    );

    // One success clears it.
    s.healData();
    const t3 = s.tick();
    assert.equal(await s.run(), 'succeeded');
    const four = await alerts.evaluate();
    assert.deepEqual(
      four.resolved.map((a) => [a.id, a.status, a.resolvedAt]),
      [[fired.id, 'resolved', t3]],
    );
    assert.deepEqual((await alerts.evaluate()).resolved, []);

    // Failing twice again later is a new alert; the old one stays resolved.
    s.breakData();
    s.tick();
    assert.equal(await s.run(), 'failed');
    assert.deepEqual((await alerts.evaluate()).fired, [], 'one failure after a success does not fire');
    const t5 = s.tick();
    assert.equal(await s.run(), 'failed');
    const again = await alerts.evaluate();
    assert.equal(again.fired.length, 1);
    assert.notEqual(again.fired[0].id, fired.id);
    list = await alerts.list({ limit: 10 });
    assert.deepEqual(
      list.map((a) => [a.status, a.firedAt, a.resolvedAt]),
      [
        ['open', t5, null],
        ['resolved', t1, t3],
      ],
    );
    assert.deepEqual(
      (await alerts.list({ limit: 10, status: 'resolved' })).map((a) => a.id),
      [fired.id],
    );
  } finally {
    await s.close();
  }
});

test('a rule narrowed to other views, or deleted, resolves its open alerts', async () => {
  const s = await alertServer({ alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1 }] });
  try {
    assert.equal(await s.run(), 'failed');
    assert.equal((await s.services.alerts.evaluate()).fired.length, 1);
    await s.services.applyService.apply(
      { ...emptyBundle(), alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1, featureViews: [], webhooks: [], retrain: false }] },
      { dryRun: false, actor: 'test' },
    );
    const narrowed = await s.services.alerts.evaluate();
    assert.deepEqual(
      narrowed.resolved.map((a) => a.subject),
      ['stats_view'],
    );
    await s.services.applyService.apply({ ...emptyBundle(), alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1, webhooks: [], retrain: false }] }, { dryRun: false, actor: 'test' });
    assert.equal((await s.services.alerts.evaluate()).fired.length, 1);
    await s.services.deleteService.delete('alert', 'any_failure');
    assert.deepEqual(
      (await s.services.alerts.evaluate()).resolved.map((a) => a.rule),
      ['any_failure'],
    );
    assert.deepEqual(await s.services.alerts.list({ limit: 10, status: 'open' }), []);
  } finally {
    await s.close();
  }
});

function emptyBundle() {
  return { entities: [], sources: [], featureViews: [], featureServices: [], alerts: [], webhooks: [], monitors: [] };
}

test('a kind with no provider is reported as such; a provider that throws leaves its alerts as they were', async () => {
  const s = await alertServer({ alerts: [{ name: 'drifting', kind: 'drift', threshold: 0.2 }] });
  try {
    // A service of its own, so that providers other features register in every process stay out.
    const alerts = new AlertService({
      catalog: s.services.catalog,
      store: s.services.registry.alerts,
      clock: s.services.clock,
      logger: s.services.logger,
      webhooks: { notify: () => undefined, idle: async () => {}, close: async () => {} },
    });
    const none = await alerts.evaluate();
    assert.deepEqual(none.rules, [{ rule: 'drifting', kind: 'drift', status: 'no_provider', subjects: 0, firing: 0, error: "no condition provider is registered for kind 'drift'" }]);
    let fail = false;
    alerts.register(
      conditionProvider('drift', async (rule) => {
        if (fail) throw new Error('the monitor has no results yet');
        return [{ subject: 'scores/rate', firing: true, value: 0.31, message: `PSI 0.31 >= ${rule.threshold}` }];
      }),
    );
    assert.throws(() => alerts.register(conditionProvider('drift', async () => [])), /already registered/);
    const fired = await alerts.evaluate();
    assert.deepEqual(
      fired.fired.map((a) => [a.subject, a.value, a.message]),
      [['scores/rate', 0.31, 'PSI 0.31 >= 0.2']],
    );
    fail = true;
    s.tick();
    const failed = await alerts.evaluate();
    assert.deepEqual(
      failed.rules.map((r) => [r.status, r.error]),
      [['error', 'the monitor has no results yet']],
    );
    assert.deepEqual([failed.fired, failed.resolved], [[], []]);
    assert.deepEqual(
      (await alerts.list({ limit: 10 })).map((a) => [a.status, a.lastSeenAt]),
      [['open', fired.evaluatedAt]],
    );
  } finally {
    await s.close();
  }
});
