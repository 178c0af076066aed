import type { AlertRecord, AlertStatus, DeliveryRecord, DeliveryStatus, FiringAlert } from './alert-record.js';

export interface AlertFilter {
  status?: AlertStatus;
  rule?: string;
  limit: number;
  /** Paging: only alerts with a smaller id. */
  beforeId?: number;
}

/**
 * Alerts and their webhook deliveries: one part of a `RegistryBackend`. Contract, proved for every
 * backend by `test/registry/alert-store.contract.ts`:
 * - `fire` keeps at most one open alert per (rule, subject), whichever processes fire at once: the
 *   first creates it (`created: true`); later ones while it is open update its value, message and
 *   `lastSeenAt` and create nothing.
 * - `resolve` closes an open alert once (`resolvedAt`); resolving a resolved one changes nothing and
 *   returns null. A later `fire` of the same rule and subject opens a new alert.
 * - `list` is newest first (by id).
 */
export interface AlertStore {
  fire(alert: FiringAlert, now: number): Promise<{ alert: AlertRecord; created: boolean }>;
  resolve(id: number, now: number): Promise<AlertRecord | null>;
  get(id: number): Promise<AlertRecord | null>;
  list(filter: AlertFilter): Promise<AlertRecord[]>;
  /** Every open alert (what an evaluation compares its findings with). */
  open(): Promise<AlertRecord[]>;
  addDelivery(delivery: { deliveryId: string; alertId: number; webhook: string; event: DeliveryRecord['event'] }, now: number): Promise<DeliveryRecord>;
  /** Records an attempt's outcome. */
  updateDelivery(id: number, update: { status: DeliveryStatus; attempts: number; lastStatus: number | null; lastError: string | null }, now: number): Promise<void>;
  /** The deliveries of these alerts, oldest first. */
  deliveries(alertIds: number[]): Promise<DeliveryRecord[]>;
}
