import type { Clock } from '../clock.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { AlertKind, AlertRule } from './alert-definition.js';
import type { AlertEvent, AlertRecord } from './alert-record.js';
import type { AlertStore } from './alert-store.js';
import type { Condition, ConditionProvider } from './condition-provider.js';

/** How one rule's evaluation went: `no_provider` when no feature registered its kind, `error` when its provider threw. */
export interface RuleOutcome {
  rule: string;
  kind: AlertKind;
  status: 'ok' | 'no_provider' | 'error';
  /** Subjects checked, and how many of them fire. */
  subjects: number;
  firing: number;
  error?: string;
}

/** What one evaluation changed: alerts opened and resolved (alerts still open and seen again are neither). */
export interface Evaluation {
  evaluatedAt: number;
  rules: RuleOutcome[];
  fired: AlertRecord[];
  resolved: AlertRecord[];
}

/** Told of every alert opened or resolved, with its rule; must return at once (webhooks deliver in the background). */
export type AlertNotifier = (event: AlertEvent, alert: AlertRecord, rule: AlertRule) => void;

export interface AlertEvaluatorDeps {
  catalog: CatalogCache;
  store: AlertStore;
  providers: (kind: AlertKind) => ConditionProvider | undefined;
  clock: Clock;
  logger: Logger;
  notify: AlertNotifier;
}

/**
 * Evaluates every alert rule of the catalog and brings the stored alerts in line: a firing condition
 * opens an alert, or updates the one open for its rule and subject; a condition that cleared (or whose
 * subject is no longer reported) resolves it; alerts of rules deleted since are resolved too.
 * Evaluations in one process run one at a time; across processes the store's one-open-alert rule holds.
 */
export class AlertEvaluator {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AlertEvaluatorDeps) {}

  evaluate(): Promise<Evaluation> {
    const next = this.last.then(() => this.evaluateNow());
    this.last = next.catch(() => undefined);
    return next;
  }

  private async evaluateNow(): Promise<Evaluation> {
    const { catalog, store, providers, clock, logger, notify } = this.deps;
    const now = clock.now();
    const rules = (await catalog.get()).alerts;
    const open = await store.open();
    const result: Evaluation = { evaluatedAt: now, rules: [], fired: [], resolved: [] };
    for (const { spec: rule } of rules.values()) {
      const provider = providers(rule.kind);
      if (!provider) {
        result.rules.push({ rule: rule.name, kind: rule.kind, status: 'no_provider', subjects: 0, firing: 0, error: `no condition provider is registered for kind '${rule.kind}'` });
        continue;
      }
      let conditions: Condition[];
      try {
        conditions = await provider.evaluate(rule, now);
      } catch (e) {
        logger.warn({ err: e, rule: rule.name }, 'alert rule evaluation failed');
        result.rules.push({ rule: rule.name, kind: rule.kind, status: 'error', subjects: 0, firing: 0, error: errorMessage(e) });
        continue;
      }
      const firing = new Set<string>();
      for (const c of conditions) {
        if (!c.firing || firing.has(c.subject)) continue;
        firing.add(c.subject);
        const fired = await store.fire({ rule: rule.name, kind: rule.kind, subject: c.subject, value: c.value, message: c.message, retrain: rule.retrain }, now);
        if (!fired.created) continue;
        result.fired.push(fired.alert);
        notify('alert.fired', fired.alert, rule);
      }
      for (const alert of open) {
        if (alert.rule !== rule.name || firing.has(alert.subject)) continue;
        const resolved = await store.resolve(alert.id, now);
        if (!resolved) continue;
        result.resolved.push(resolved);
        notify('alert.resolved', resolved, rule);
      }
      result.rules.push({ rule: rule.name, kind: rule.kind, status: 'ok', subjects: new Set(conditions.map((c) => c.subject)).size, firing: firing.size });
    }
    for (const alert of open) {
      if (rules.has(alert.rule)) continue;
      const resolved = await store.resolve(alert.id, now);
      if (resolved) result.resolved.push(resolved);
    }
    return result;
  }
}
