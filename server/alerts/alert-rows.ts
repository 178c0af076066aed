import type { AlertKind } from './alert-definition.js';
import type { AlertEvent, AlertRecord, AlertStatus, DeliveryRecord, DeliveryStatus } from './alert-record.js';

/** An `alerts` row as both backends return it (SQLite's retrain is 0/1, PostgreSQL's a boolean). */
export interface AlertRow {
  id: number;
  rule: string;
  kind: AlertKind;
  subject: string;
  status: AlertStatus;
  value: number | null;
  message: string;
  retrain: number | boolean;
  fired_at: number;
  last_seen_at: number;
  resolved_at: number | null;
}

export interface DeliveryRow {
  id: number;
  delivery_id: string;
  alert_id: number;
  webhook: string;
  event: AlertEvent;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export function toAlert(r: AlertRow): AlertRecord {
  return {
    id: r.id,
    rule: r.rule,
    kind: r.kind,
    subject: r.subject,
    status: r.status,
    value: r.value,
    message: r.message,
    retrain: r.retrain === true || r.retrain === 1,
    firedAt: r.fired_at,
    lastSeenAt: r.last_seen_at,
    resolvedAt: r.resolved_at,
  };
}

export function toDelivery(r: DeliveryRow): DeliveryRecord {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    alertId: r.alert_id,
    webhook: r.webhook,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
