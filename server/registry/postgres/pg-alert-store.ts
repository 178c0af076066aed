import type { AlertRecord, DeliveryRecord, FiringAlert } from '../../alerts/alert-record.js';
import { type AlertRow, type DeliveryRow, toAlert, toDelivery } from '../../alerts/alert-rows.js';
import type { AlertFilter, AlertStore } from '../../alerts/alert-store.js';
import type { Queryable } from './pg-database.js';

/**
 * Alerts and deliveries on PostgreSQL. `fire` is one upsert on the partial unique index of open
 * alerts, so processes evaluating at once still keep one open alert per (rule, subject).
 */
export class PgAlertStore implements AlertStore {
  constructor(private readonly db: Queryable) {}

  async fire(alert: FiringAlert, now: number): Promise<{ alert: AlertRecord; created: boolean }> {
    const { rows } = await this.db.query<AlertRow & { inserted: boolean }>(
      `INSERT INTO alerts (rule, kind, subject, status, value, message, retrain, fired_at, last_seen_at)
       VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $7)
       ON CONFLICT (rule, subject) WHERE status = 'open'
       DO UPDATE SET value = EXCLUDED.value, message = EXCLUDED.message, retrain = EXCLUDED.retrain, last_seen_at = EXCLUDED.last_seen_at
       RETURNING *, (xmax = 0) AS inserted`,
      [alert.rule, alert.kind, alert.subject, alert.value, alert.message, alert.retrain, now],
    );
    return { alert: toAlert(rows[0]), created: rows[0].inserted };
  }

  async resolve(id: number, now: number): Promise<AlertRecord | null> {
    const { rows } = await this.db.query<AlertRow>("UPDATE alerts SET status = 'resolved', resolved_at = $1 WHERE id = $2 AND status = 'open' RETURNING *", [now, id]);
    return rows.length ? toAlert(rows[0]) : null;
  }

  async get(id: number): Promise<AlertRecord | null> {
    const { rows } = await this.db.query<AlertRow>('SELECT * FROM alerts WHERE id = $1', [id]);
    return rows.length ? toAlert(rows[0]) : null;
  }

  async list(filter: AlertFilter): Promise<AlertRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.status !== undefined) add('status = ?', filter.status);
    if (filter.rule !== undefined) add('rule = ?', filter.rule);
    if (filter.beforeId !== undefined) add('id < ?', filter.beforeId);
    values.push(filter.limit);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${values.length}`;
    return (await this.db.query<AlertRow>(sql, values)).rows.map(toAlert);
  }

  async open(): Promise<AlertRecord[]> {
    return (await this.db.query<AlertRow>("SELECT * FROM alerts WHERE status = 'open' ORDER BY id")).rows.map(toAlert);
  }

  async addDelivery(d: { deliveryId: string; alertId: number; webhook: string; event: DeliveryRecord['event'] }, now: number): Promise<DeliveryRecord> {
    const { rows } = await this.db.query<DeliveryRow>(
      "INSERT INTO alert_deliveries (delivery_id, alert_id, webhook, event, status, attempts, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5) RETURNING *",
      [d.deliveryId, d.alertId, d.webhook, d.event, now],
    );
    return toDelivery(rows[0]);
  }

  async updateDelivery(id: number, u: { status: DeliveryRecord['status']; attempts: number; lastStatus: number | null; lastError: string | null }, now: number): Promise<void> {
    await this.db.query('UPDATE alert_deliveries SET status = $1, attempts = $2, last_status = $3, last_error = $4, updated_at = $5 WHERE id = $6', [
      u.status,
      u.attempts,
      u.lastStatus,
      u.lastError,
      now,
      id,
    ]);
  }

  async deliveries(alertIds: number[]): Promise<DeliveryRecord[]> {
    if (alertIds.length === 0) return [];
    const { rows } = await this.db.query<DeliveryRow>('SELECT * FROM alert_deliveries WHERE alert_id = ANY($1::bigint[]) ORDER BY id', [alertIds]);
    return rows.map(toDelivery);
  }
}
