import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../clock.js';
import { formatTimestamp } from '../domain/time.js';
import { TesseraError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import { type HttpAccess, checkDestination } from '../sources/http-access.js';
import type { AlertRule, Webhook } from './alert-definition.js';
import type { AlertEvent, AlertRecord, DeliveryRecord } from './alert-record.js';
import type { AlertStore } from './alert-store.js';
import { postOnce } from './webhook-post.js';
import { webhookSignature } from './webhook-signature.js';

export interface WebhookDispatcherDeps {
  catalog: CatalogCache;
  store: AlertStore;
  clock: Clock;
  logger: Logger;
  /** Where webhooks may POST: the outbound allow list sources use (TESSERA_HTTP_SOURCE_ALLOW). */
  access: HttpAccess;
  /** The environment secrets are read from. */
  env: Record<string, string | undefined>;
  /** The alert as the payload shows it (the API's shape). */
  present: (alert: AlertRecord) => unknown;
}

/**
 * Delivers alert events to webhooks in the background: `notify` returns at once, so a slow, failing
 * or hanging receiver never holds up an evaluation (or anything else). Each delivery is recorded
 * (attempts, last status, outcome) and retried with exponential backoff up to the webhook's
 * `maxAttempts`, each attempt cut at its `timeoutMs`. Every attempt carries the same
 * X-Tessera-Delivery id (receivers dedupe on it) and a fresh timestamp and signature.
 */
export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: WebhookDispatcherDeps) {}

  readonly notify = (event: AlertEvent, alert: AlertRecord, rule: AlertRule): void => {
    if (this.abort.signal.aborted) return;
    for (const name of rule.webhooks) {
      const task: Promise<void> = this.deliver(event, alert, rule, name)
        .catch((e: unknown) => this.deps.logger.warn({ err: e, webhook: name, alert: alert.id }, 'webhook delivery failed'))
        .finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  };

  /** Resolves when every delivery started so far has ended (delivered or given up). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops: attempts in flight are cut, no retry starts; resolves once the deliveries have wound down. */
  async close(): Promise<void> {
    this.abort.abort(new Error('the server is stopping'));
    await this.idle();
  }

  private async deliver(event: AlertEvent, alert: AlertRecord, rule: AlertRule, name: string): Promise<void> {
    const { store, clock } = this.deps;
    const hook = (await this.deps.catalog.get()).webhooks.get(name)?.spec;
    if (!hook) return;
    const record = await store.addDelivery({ deliveryId: randomUUID(), alertId: alert.id, webhook: name, event }, clock.now());
    const signal = this.abort.signal;
    let lastStatus: number | null = null;
    let lastError: string | null = null;
    for (let attempt = 1; attempt <= hook.maxAttempts; attempt++) {
      let done = false;
      try {
        lastStatus = await this.attempt(hook, record, event, alert, rule, signal);
        lastError = lastStatus >= 200 && lastStatus < 300 ? null : `HTTP ${lastStatus}`;
        done = lastError === null;
      } catch (e) {
        lastStatus = null;
        lastError = errorMessage(e);
        // A refused destination or an unset secret is the configuration: asking again gets the same answer.
        if (e instanceof TesseraError) done = true;
      }
      const last = done || attempt === hook.maxAttempts || signal.aborted;
      const status: DeliveryRecord['status'] = lastError === null ? 'delivered' : last ? 'failed' : 'pending';
      await store.updateDelivery(record.id, { status, attempts: attempt, lastStatus, lastError }, clock.now());
      if (last) return;
      await delay(hook.backoffMs * 2 ** (attempt - 1), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) {
        await store.updateDelivery(record.id, { status: 'failed', attempts: attempt, lastStatus, lastError: `${lastError}; not retried: the server stopped` }, clock.now());
        return;
      }
    }
  }

  /** One POST; its HTTP status, or a throw (network error, timeout, refusal). */
  private async attempt(hook: Webhook, record: DeliveryRecord, event: AlertEvent, alert: AlertRecord, rule: AlertRule, signal: AbortSignal): Promise<number> {
    const url = new URL(hook.url);
    const addresses = await checkDestination(url, this.deps.access, `webhook '${hook.name}'`);
    const now = this.deps.clock.now();
    const body = JSON.stringify({ type: event, sentAt: formatTimestamp(now), alert: this.deps.present(alert), retrain: event === 'alert.fired' && rule.retrain });
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = { 'x-tessera-timestamp': timestamp, 'x-tessera-delivery': record.deliveryId, 'user-agent': 'tessera-webhooks' };
    if (hook.secret) {
      const secret = this.deps.env[hook.secret.env];
      if (secret === undefined || secret === '') throw new TesseraError('source_refused', `webhook '${hook.name}': environment variable ${hook.secret.env} (its secret) is unset`);
      headers['x-tessera-signature'] = webhookSignature(secret, timestamp, body);
    }
    return postOnce({ url, addresses, headers, body, timeoutMs: hook.timeoutMs, signal });
  }
}
