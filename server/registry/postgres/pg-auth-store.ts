import type { PermissionInput } from '../../domain/permission.js';
import { conflict } from '../../errors.js';
import type { ApiKeyRecord, AuditEntry, AuditRecord, AuthStore } from '../auth-store.js';
import { AUDIT_COLUMNS, keyFromRow } from '../sqlite/sqlite-auth-store.js';
import type { PgDatabase } from './pg-database.js';

/** API keys, permissions and the audit log on PostgreSQL (migration postgres/0006). */
export class PgAuthStore implements AuthStore {
  constructor(private readonly db: PgDatabase) {}

  async createKey(k: ApiKeyRecord): Promise<void> {
    const inserted = await this.db.query(
      'INSERT INTO api_keys (id, name, roles, salt, hash, created_at, created_by, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING',
      [k.id, k.name, JSON.stringify(k.roles), k.salt, k.hash, k.createdAt, k.createdBy, k.expiresAt, k.revokedAt],
    );
    if (inserted.rowCount === 0) throw conflict(`API key '${k.id}' already exists`, [{ path: 'id', message: 'taken' }]);
  }

  async key(id: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.db.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? keyFromRow(rows[0] as Parameters<typeof keyFromRow>[0]) : null;
  }

  async keys(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query('SELECT * FROM api_keys ORDER BY created_at, id');
    return rows.map((r) => keyFromRow(r as Parameters<typeof keyFromRow>[0]));
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    await this.db.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id]);
    return (await this.db.query('SELECT 1 FROM api_keys WHERE id = $1', [id])).rows.length === 1;
  }

  async anyKey(): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM api_keys LIMIT 1')).rows.length === 1;
  }

  async replacePermissions(permissions: PermissionInput[]): Promise<void> {
    await this.db.transaction(async (q) => {
      await q.query('DELETE FROM permissions');
      for (const [i, p] of permissions.entries()) await q.query('INSERT INTO permissions (position, name, spec) VALUES ($1, $2, $3)', [i, p.name, JSON.stringify(p)]);
    });
  }

  async permissions(): Promise<PermissionInput[]> {
    const { rows } = await this.db.query<{ spec: string }>('SELECT spec FROM permissions ORDER BY position');
    return rows.map((r) => JSON.parse(r.spec) as PermissionInput);
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const values: unknown[] = [];
    const tuples = entries.map((e, i) => {
      values.push(e.at, e.actor, e.action, e.resource, e.outcome, e.status, e.detail);
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    await this.db.query(`INSERT INTO audit_log (at, actor, action, resource, outcome, status, detail) VALUES ${tuples.join(', ')}`, values);
  }

  async audit(options: { limit: number; beforeId?: number; actor?: string }): Promise<AuditRecord[]> {
    const { rows } = await this.db.query<AuditRecord>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR actor = $2) ORDER BY id DESC LIMIT $3`, [
      options.beforeId ?? null,
      options.actor ?? null,
      options.limit,
    ]);
    return rows;
  }
}
