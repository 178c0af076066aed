import type { AlertKind } from './alert-definition.js';

export type AlertStatus = 'open' | 'resolved';

/** One alert: a rule's condition on one subject, from when it fired until it cleared. */
export interface AlertRecord {
  id: number;
  rule: string;
  kind: AlertKind;
  subject: string;
  status: AlertStatus;
  /** The measurement that fired (failed runs, an age in ms, a drift score), as last seen. */
  value: number | null;
  message: string;
  retrain: boolean;
  firedAt: number;
  /** The last evaluation that still found the condition. */
  lastSeenAt: number;
  resolvedAt: number | null;
}

/** What an evaluation found firing, for `AlertStore.fire`. */
export interface FiringAlert {
  rule: string;
  kind: AlertKind;
  subject: string;
  value: number | null;
  message: string;
  retrain: boolean;
}

export type AlertEvent = 'alert.fired' | 'alert.resolved';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One alert event's delivery to one webhook, over all its attempts. */
export interface DeliveryRecord {
  id: number;
  /** X-Tessera-Delivery: one per delivery, the same for each attempt. */
  deliveryId: string;
  alertId: number;
  webhook: string;
  event: AlertEvent;
  status: DeliveryStatus;
  attempts: number;
  /** The HTTP status of the last attempt, null when it got none (refused, timed out). */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}
