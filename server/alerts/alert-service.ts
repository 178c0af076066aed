import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { AlertKind } from './alert-definition.js';
import type { AlertRecord, DeliveryRecord } from './alert-record.js';
import type { AlertFilter, AlertStore } from './alert-store.js';
import { AlertEvaluator, type AlertNotifier, type Evaluation } from './alert-evaluator.js';
import type { ConditionProvider } from './condition-provider.js';

export interface AlertServiceDeps {
  catalog: CatalogCache;
  store: AlertStore;
  clock: Clock;
  logger: Logger;
  /** Delivers alerts opened and resolved to the rules' webhooks, in the background. */
  webhooks: { notify: AlertNotifier; idle(): Promise<void>; close(): Promise<void> };
}

/**
 * The alerts of a process: the condition providers registered by the features that own a
 * measurement (`register`), the evaluator over them, and the stored alerts with their deliveries.
 */
export class AlertService {
  private readonly providers = new Map<AlertKind, ConditionProvider>();
  private readonly evaluator: AlertEvaluator;

  constructor(private readonly deps: AlertServiceDeps) {
    this.evaluator = new AlertEvaluator({ ...deps, notify: deps.webhooks.notify, providers: (kind) => this.providers.get(kind) });
  }

  /** Makes `provider` evaluate the rules of its kind; returns the unregistration. One provider per kind. */
  register(provider: ConditionProvider): () => void {
    if (this.providers.has(provider.kind)) throw new Error(`a condition provider for alert kind '${provider.kind}' is already registered`);
    this.providers.set(provider.kind, provider);
    return () => {
      if (this.providers.get(provider.kind) === provider) this.providers.delete(provider.kind);
    };
  }

  registeredKinds(): AlertKind[] {
    return [...this.providers.keys()].sort();
  }

  evaluate(): Promise<Evaluation> {
    return this.evaluator.evaluate();
  }

  /** Resolves when the webhook deliveries started so far have ended (delivered or given up). */
  deliveriesIdle(): Promise<void> {
    return this.deps.webhooks.idle();
  }

  /** Cuts the deliveries in flight (recorded as failed) and waits for them to wind down. */
  close(): Promise<void> {
    return this.deps.webhooks.close();
  }

  /** Stored alerts, newest first, each with its webhook deliveries. */
  async list(filter: AlertFilter): Promise<(AlertRecord & { deliveries: DeliveryRecord[] })[]> {
    const alerts = await this.deps.store.list(filter);
    const deliveries = await this.deps.store.deliveries(alerts.map((a) => a.id));
    return alerts.map((a) => ({ ...a, deliveries: deliveries.filter((d) => d.alertId === a.id) }));
  }
}
