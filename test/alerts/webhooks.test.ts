import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { test } from 'node:test';
import { waitFor } from '../support/spawn-server.js';
import { alertServer } from './alert-fixture.js';
import { hookReceiver, type Received } from './hook-receiver.js';

const SECRET = 'whsec-test-9f2c';

/** The signature recomputed with WebCrypto (not the server's node:crypto HMAC): hex HMAC-SHA256 of "<timestamp>.<body>". */
async function expectedSignature(r: Received): Promise<string> {
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${r.headers['x-tessera-timestamp']}.${r.body}`));
  return `sha256=${Buffer.from(mac).toString('hex')}`;
}

function server(url: string, hook: Record<string, unknown> = {}, rule: Record<string, unknown> = {}) {
  return alertServer(
    {
      webhooks: [{ name: 'ops', url, secret: { env: 'OPS_HOOK_SECRET' }, backoffMs: 20, ...hook }],
      alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1, webhooks: ['ops'], retrain: true, ...rule }],
    },
    { httpSourceAllow: '127.0.0.1' },
    { sources: { env: { OPS_HOOK_SECRET: SECRET } } },
  );
}

test('fired and resolved alerts are POSTed, signed with HMAC-SHA256 over "<timestamp>.<body>"', async () => {
  const hook = await hookReceiver(() => 204);
  const s = await server(hook.url);
  try {
    assert.equal(await s.run(), 'failed');
    const t1 = s.tick();
    const fired = (await s.services.alerts.evaluate()).fired[0];
    await s.services.alerts.deliveriesIdle();
    assert.equal(hook.received.length, 1);
    const [r] = hook.received;
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-tessera-timestamp'], String(Math.floor(t1 / 1000)));
    assert.match(String(r.headers['x-tessera-delivery']), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(r.headers['x-tessera-signature'], await expectedSignature(r));
    const payload = JSON.parse(r.body);
    assert.deepEqual(Object.keys(payload).sort(), ['alert', 'retrain', 'sentAt', 'type']);
    assert.equal(payload.type, 'alert.fired');
    assert.equal(payload.sentAt, new Date(t1).toISOString());
    assert.equal(payload.retrain, true);
    assert.deepEqual([payload.alert.id, payload.alert.rule, payload.alert.subject, payload.alert.status, payload.alert.value], [fired.id, 'any_failure', 'stats_view', 'open', 1]);

    // A tampered body no longer matches the signature the receiver computes.
    assert.notEqual(r.headers['x-tessera-signature'], await expectedSignature({ ...r, body: r.body.replace('"value":1', '"value":2') }));

    s.healData();
    assert.equal(await s.run(), 'succeeded');
    const t2 = s.tick();
    await s.services.alerts.evaluate();
    await s.services.alerts.deliveriesIdle();
    assert.equal(hook.received.length, 2);
    const resolved = JSON.parse(hook.received[1].body);
    assert.deepEqual([resolved.type, resolved.retrain, resolved.alert.status, resolved.alert.resolvedAt], ['alert.resolved', false, 'resolved', new Date(t2).toISOString()]);
    assert.equal(hook.received[1].headers['x-tessera-signature'], await expectedSignature(hook.received[1]));
    assert.notEqual(hook.received[1].headers['x-tessera-delivery'], r.headers['x-tessera-delivery']);

    const [alert] = await s.services.alerts.list({ limit: 1 });
    assert.deepEqual(
      alert.deliveries.map((d) => [d.event, d.status, d.attempts, d.lastStatus, d.deliveryId]),
      [
        ['alert.fired', 'delivered', 1, 204, r.headers['x-tessera-delivery']],
        ['alert.resolved', 'delivered', 1, 204, hook.received[1].headers['x-tessera-delivery']],
      ],
    );
  } finally {
    await s.close();
    await hook.close();
  }
});

test('a delivery answered 500 is retried with backoff, under the same delivery id, until it succeeds', async () => {
  const hook = await hookReceiver((n) => (n <= 2 ? 500 : 200));
  const s = await server(hook.url, { maxAttempts: 5, backoffMs: 30 });
  try {
    assert.equal(await s.run(), 'failed');
    await s.services.alerts.evaluate();
    await s.services.alerts.deliveriesIdle();
    assert.equal(hook.received.length, 3);
    assert.equal(new Set(hook.received.map((r) => r.headers['x-tessera-delivery'])).size, 1);
    for (const r of hook.received) assert.equal(r.headers['x-tessera-signature'], await expectedSignature(r));
    const [alert] = await s.services.alerts.list({ limit: 1 });
    assert.deepEqual(
      alert.deliveries.map((d) => [d.status, d.attempts, d.lastStatus, d.lastError]),
      [['delivered', 3, 200, null]],
    );
  } finally {
    await s.close();
    await hook.close();
  }
});

test('a delivery that keeps failing gives up after maxAttempts and records the last status', async () => {
  const hook = await hookReceiver(() => 503);
  const s = await server(hook.url, { maxAttempts: 3, backoffMs: 10 });
  try {
    assert.equal(await s.run(), 'failed');
    await s.services.alerts.evaluate();
    await s.services.alerts.deliveriesIdle();
    assert.equal(hook.received.length, 3);
    const [alert] = await s.services.alerts.list({ limit: 1 });
    assert.deepEqual(
      alert.deliveries.map((d) => [d.status, d.attempts, d.lastStatus, d.lastError]),
      [['failed', 3, 503, 'HTTP 503']],
    );
  } finally {
    await s.close();
    await hook.close();
  }
});

test('a hanging webhook does not block the next evaluation; each attempt is cut at its timeout', async () => {
  const hook = await hookReceiver(() => 'hang');
  const s = await server(hook.url, { timeoutMs: 2_000, maxAttempts: 2, backoffMs: 10 });
  try {
    assert.equal(await s.run(), 'failed');
    const first = await s.services.alerts.evaluate();
    assert.equal(first.fired.length, 1);
    await waitFor('the webhook to hold a request open', 60_000, async () => (hook.hanging() === 1 ? true : undefined), undefined, 5);
    // While the receiver holds the request, evaluations (and the API) go on.
    s.healData();
    assert.equal(await s.run(), 'succeeded');
    const started = performance.now();
    const second = await s.services.alerts.evaluate();
    const ms = performance.now() - started;
    assert.deepEqual(
      second.resolved.map((a) => a.id),
      [first.fired[0].id],
    );
    assert.ok(hook.received.length >= 1 && hook.hanging() >= 1, 'the first delivery is still hanging');
    assert.ok(ms < 2_000, `the evaluation took ${ms.toFixed(0)} ms, as long as the webhook's timeout`);
    await s.services.alerts.deliveriesIdle();
    const [alert] = await s.services.alerts.list({ limit: 1 });
    const fired = alert.deliveries.find((d) => d.event === 'alert.fired');
    assert.deepEqual([fired?.status, fired?.attempts, fired?.lastStatus], ['failed', 2, null]);
    assert.match(String(fired?.lastError), /no answer within 2000 ms/);
  } finally {
    await s.close();
    await hook.close();
  }
});

test('an unset secret or a destination outside the allow list fails the delivery without sending it', async () => {
  const hook = await hookReceiver(() => 204);
  const unset = await server(hook.url, { secret: { env: 'UNSET_HOOK_SECRET' } });
  try {
    assert.equal(await unset.run(), 'failed');
    await unset.services.alerts.evaluate();
    await unset.services.alerts.deliveriesIdle();
    const [alert] = await unset.services.alerts.list({ limit: 1 });
    assert.deepEqual(
      alert.deliveries.map((d) => [d.status, d.attempts]),
      [['failed', 1]],
    );
    assert.match(String(alert.deliveries[0].lastError), /UNSET_HOOK_SECRET .*unset/);
  } finally {
    await unset.close();
  }
  const refused = await alertServer({ webhooks: [{ name: 'ops', url: hook.url }], alerts: [{ name: 'any_failure', kind: 'run_failures', threshold: 1, webhooks: ['ops'] }] }, {});
  try {
    assert.equal(await refused.run(), 'failed');
    await refused.services.alerts.evaluate();
    await refused.services.alerts.deliveriesIdle();
    const [alert] = await refused.services.alerts.list({ limit: 1 });
    assert.deepEqual(
      alert.deliveries.map((d) => [d.status, d.attempts]),
      [['failed', 1]],
    );
    assert.match(String(alert.deliveries[0].lastError), /loopback/);
    assert.equal(hook.received.length, 0);
  } finally {
    await refused.close();
    await hook.close();
  }
});
