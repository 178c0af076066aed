import assert from 'node:assert/strict';
import type { FiringAlert } from '../../server/alerts/alert-record.js';
import { registryTest } from './registry-backends.js';

const T = 1_800_000_000_000;

function firing(subject: string, value: number, rule = 'failing_runs'): FiringAlert {
  return { rule, kind: 'run_failures', subject, value, message: `${subject}: ${value} failed runs`, retrain: rule === 'failing_runs' };
}

/** The alert store contract (server/alerts/alert-store.ts), run against every registry backend. */
export function alertStoreContract(): void {
  const suite = 'alert store';

  registryTest(suite, 'fire opens one alert per rule and subject, deduplicated while open, and a new one after it resolves', async ({ registry }) => {
    const store = registry.alerts;
    const first = await store.fire(firing('drv', 2), T);
    assert.equal(first.created, true);
    assert.deepEqual(first.alert, {
      id: first.alert.id,
      rule: 'failing_runs',
      kind: 'run_failures',
      subject: 'drv',
      status: 'open',
      value: 2,
      message: 'drv: 2 failed runs',
      retrain: true,
      firedAt: T,
      lastSeenAt: T,
      resolvedAt: null,
    });
    const again = await store.fire(firing('drv', 3), T + 10);
    assert.equal(again.created, false);
    assert.equal(again.alert.id, first.alert.id);
    assert.deepEqual([again.alert.firedAt, again.alert.lastSeenAt, again.alert.value, again.alert.message], [T, T + 10, 3, 'drv: 3 failed runs']);
    // Another subject, and another rule on the same subject, are alerts of their own.
    const other = await store.fire(firing('rides', 2), T + 11);
    const otherRule = await store.fire(firing('drv', 1, 'any_failure'), T + 12);
    assert.equal(other.created && otherRule.created, true);
    assert.deepEqual(
      (await store.open()).map((a) => a.id),
      [first.alert.id, other.alert.id, otherRule.alert.id],
    );

    const resolved = await store.resolve(first.alert.id, T + 20);
    assert.deepEqual([resolved?.status, resolved?.resolvedAt, resolved?.lastSeenAt], ['resolved', T + 20, T + 10]);
    assert.equal(await store.resolve(first.alert.id, T + 21), null, 'resolving twice changes nothing');
    assert.equal((await store.get(first.alert.id))?.resolvedAt, T + 20);
    const reopened = await store.fire(firing('drv', 2), T + 30);
    assert.equal(reopened.created, true);
    assert.ok(reopened.alert.id > otherRule.alert.id);

    // Newest first, filtered by status and rule, paged by id.
    const ids = (list: { id: number }[]) => list.map((a) => a.id);
    assert.deepEqual(ids(await store.list({ limit: 10 })), [reopened.alert.id, otherRule.alert.id, other.alert.id, first.alert.id]);
    assert.deepEqual(ids(await store.list({ limit: 10, status: 'resolved' })), [first.alert.id]);
    assert.deepEqual(ids(await store.list({ limit: 10, rule: 'failing_runs', status: 'open' })), [reopened.alert.id, other.alert.id]);
    assert.deepEqual(ids(await store.list({ limit: 1, beforeId: otherRule.alert.id })), [other.alert.id]);
  });

  registryTest(suite, 'processes firing at once keep one open alert', async ({ registry, another }) => {
    const second = await another();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? second : registry).alerts.fire(firing('drv', i), T + i)));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.alert.id)).size, 1);
    assert.equal((await registry.alerts.open()).length, 1);
  });

  registryTest(suite, 'deliveries record their attempts and last status', async ({ registry }) => {
    const store = registry.alerts;
    const { alert } = await store.fire(firing('drv', 2), T);
    const d = await store.addDelivery({ deliveryId: 'd-1', alertId: alert.id, webhook: 'ops', event: 'alert.fired' }, T + 1);
    assert.deepEqual(d, {
      id: d.id,
      deliveryId: 'd-1',
      alertId: alert.id,
      webhook: 'ops',
      event: 'alert.fired',
      status: 'pending',
      attempts: 0,
      lastStatus: null,
      lastError: null,
      createdAt: T + 1,
      updatedAt: T + 1,
    });
    await store.updateDelivery(d.id, { status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' }, T + 2);
    await store.updateDelivery(d.id, { status: 'delivered', attempts: 2, lastStatus: 204, lastError: null }, T + 3);
    const [after] = await store.deliveries([alert.id]);
    assert.deepEqual([after.status, after.attempts, after.lastStatus, after.lastError, after.updatedAt], ['delivered', 2, 204, null, T + 3]);
    assert.deepEqual(await store.deliveries([]), []);
  });
}
