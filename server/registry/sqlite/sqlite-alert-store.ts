import type Database from 'better-sqlite3';
import type { AlertRecord, DeliveryRecord, FiringAlert } from '../../alerts/alert-record.js';
import { type AlertRow, type DeliveryRow, toAlert, toDelivery } from '../../alerts/alert-rows.js';
import type { AlertFilter, AlertStore } from '../../alerts/alert-store.js';

/** Alerts and deliveries in registry.db (migration 0010); one open alert per (rule, subject) by a partial unique index. */
export class SqliteAlertStore implements AlertStore {
  constructor(private readonly db: Database.Database) {}

  async fire(alert: FiringAlert, now: number): Promise<{ alert: AlertRecord; created: boolean }> {
    return this.db
      .transaction(() => {
        const open = this.db.prepare("SELECT id FROM alerts WHERE rule = ? AND subject = ? AND status = 'open'").get(alert.rule, alert.subject) as { id: number } | undefined;
        if (open) {
          this.db.prepare('UPDATE alerts SET value = ?, message = ?, retrain = ?, last_seen_at = ? WHERE id = ?').run(alert.value, alert.message, alert.retrain ? 1 : 0, now, open.id);
          return { alert: this.row(open.id), created: false };
        }
        const inserted = this.db
          .prepare("INSERT INTO alerts (rule, kind, subject, status, value, message, retrain, fired_at, last_seen_at) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?)")
          .run(alert.rule, alert.kind, alert.subject, alert.value, alert.message, alert.retrain ? 1 : 0, now, now);
        return { alert: this.row(Number(inserted.lastInsertRowid)), created: true };
      })
      .immediate();
  }

  async resolve(id: number, now: number): Promise<AlertRecord | null> {
    const changed = this.db.prepare("UPDATE alerts SET status = 'resolved', resolved_at = ? WHERE id = ? AND status = 'open'").run(now, id).changes;
    return changed === 1 ? this.row(id) : null;
  }

  async get(id: number): Promise<AlertRecord | null> {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return row ? toAlert(row) : null;
  }

  async list(filter: AlertFilter): Promise<AlertRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      values.push(value);
    };
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.rule !== undefined) add('rule = ?', filter.rule);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...values, filter.limit) as AlertRow[]).map(toAlert);
  }

  async open(): Promise<AlertRecord[]> {
    return (this.db.prepare("SELECT * FROM alerts WHERE status = 'open' ORDER BY id").all() as AlertRow[]).map(toAlert);
  }

  async addDelivery(d: { deliveryId: string; alertId: number; webhook: string; event: DeliveryRecord['event'] }, now: number): Promise<DeliveryRecord> {
    const inserted = this.db
      .prepare("INSERT INTO alert_deliveries (delivery_id, alert_id, webhook, event, status, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)")
      .run(d.deliveryId, d.alertId, d.webhook, d.event, now, now);
    return toDelivery(this.db.prepare('SELECT * FROM alert_deliveries WHERE id = ?').get(inserted.lastInsertRowid) as DeliveryRow);
  }

  async updateDelivery(id: number, u: { status: DeliveryRecord['status']; attempts: number; lastStatus: number | null; lastError: string | null }, now: number): Promise<void> {
    this.db.prepare('UPDATE alert_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, updated_at = ? WHERE id = ?').run(u.status, u.attempts, u.lastStatus, u.lastError, now, id);
  }

  async deliveries(alertIds: number[]): Promise<DeliveryRecord[]> {
    if (alertIds.length === 0) return [];
    const rows = this.db.prepare(`SELECT * FROM alert_deliveries WHERE alert_id IN (${alertIds.map(() => '?').join(', ')}) ORDER BY id`).all(...alertIds) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  private row(id: number): AlertRecord {
    return toAlert(this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow);
  }
}
