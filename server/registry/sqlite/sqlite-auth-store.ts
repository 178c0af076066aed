import type Database from 'better-sqlite3';
import type { PermissionInput } from '../../domain/permission.js';
import { conflict } from '../../errors.js';
import type { ApiKeyRecord, AuditEntry, AuditRecord, AuthStore } from '../auth-store.js';

interface KeyRow {
  id: string;
  name: string;
  roles: string;
  salt: Buffer;
  hash: Buffer;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}

export function keyFromRow(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    roles: JSON.parse(r.roles) as string[],
    salt: Buffer.from(r.salt),
    hash: Buffer.from(r.hash),
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export const AUDIT_COLUMNS = 'id, at, actor, action, resource, outcome, status, detail';

/** API keys, permissions and the audit log in registry.db (migration 0009). */
export class SqliteAuthStore implements AuthStore {
  // Every mutating call appends an entry (a push per request): the insert is compiled once.
  private insertAudit: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {}

  async createKey(k: ApiKeyRecord): Promise<void> {
    const inserted = this.db
      .prepare('INSERT INTO api_keys (id, name, roles, salt, hash, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING')
      .run(k.id, k.name, JSON.stringify(k.roles), k.salt, k.hash, k.createdAt, k.createdBy, k.expiresAt, k.revokedAt);
    if (inserted.changes === 0) throw conflict(`API key '${k.id}' already exists`, [{ path: 'id', message: 'taken' }]);
  }

  async key(id: string): Promise<ApiKeyRecord | null> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as KeyRow | undefined;
    return row ? keyFromRow(row) : null;
  }

  async keys(): Promise<ApiKeyRecord[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as KeyRow[]).map(keyFromRow);
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id);
    return this.db.prepare('SELECT 1 FROM api_keys WHERE id = ?').get(id) !== undefined;
  }

  async anyKey(): Promise<boolean> {
    return this.db.prepare('SELECT 1 FROM api_keys LIMIT 1').get() !== undefined;
  }

  async replacePermissions(permissions: PermissionInput[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM permissions').run();
      const insert = this.db.prepare('INSERT INTO permissions (position, name, spec) VALUES (?, ?, ?)');
      permissions.forEach((p, i) => insert.run(i, p.name, JSON.stringify(p)));
    })();
  }

  async permissions(): Promise<PermissionInput[]> {
    return (this.db.prepare('SELECT spec FROM permissions ORDER BY position').all() as { spec: string }[]).map((r) => JSON.parse(r.spec) as PermissionInput);
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    this.insertAudit ??= this.db.prepare('INSERT INTO audit_log (at, actor, action, resource, outcome, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const insert = this.insertAudit;
    if (entries.length === 1) {
      const e = entries[0];
      insert.run(e.at, e.actor, e.action, e.resource, e.outcome, e.status, e.detail);
      return;
    }
    this.db.transaction(() => {
      for (const e of entries) insert.run(e.at, e.actor, e.action, e.resource, e.outcome, e.status, e.detail);
    })();
  }

  async audit(options: { limit: number; beforeId?: number; actor?: string }): Promise<AuditRecord[]> {
    return this.db
      .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE (? IS NULL OR id < ?) AND (? IS NULL OR actor = ?) ORDER BY id DESC LIMIT ?`)
      .all(options.beforeId ?? null, options.beforeId ?? null, options.actor ?? null, options.actor ?? null, options.limit) as AuditRecord[];
  }
}
