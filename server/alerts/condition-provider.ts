import type { AlertKind, AlertRule } from './alert-definition.js';

/**
 * What a provider found about one subject of a rule. `subject` names what the condition is about
 * (a view, `monitor/feature`, a model), stable from one evaluation to the next: an alert is
 * deduplicated per (rule, subject).
 */
export interface Condition {
  subject: string;
  firing: boolean;
  /** The measurement compared with the threshold (failed runs, an age in ms, a score); null when there is none. */
  value: number | null;
  /** One line for people: what was found, against what threshold. */
  message: string;
}

/**
 * Evaluates the rules of one kind. The feature that owns a measurement (freshness, validation,
 * drift, skew, model performance) registers one with `services.alerts.register(...)`. It reports
 * every subject it checked, firing or not: an open alert whose subject is reported not firing, or
 * no longer reported at all (the view was deleted, the rule narrowed), is resolved. A provider that
 * throws leaves that rule's alerts as they were (the failure is reported by the evaluation).
 */
export interface ConditionProvider {
  readonly kind: AlertKind;
  evaluate(rule: AlertRule, now: number): Promise<Condition[]>;
}

export function conditionProvider(kind: AlertKind, evaluate: (rule: AlertRule, now: number) => Promise<Condition[]>): ConditionProvider {
  return { kind, evaluate };
}
