import type { PermissionInput } from '../domain/permission.js';

export interface ApiKeyRecord {
  /** The 12 hex characters after `tsk_`: public, shown in lists and the audit log. */
  id: string;
  name: string;
  roles: string[];
  salt: Buffer;
  hash: Buffer;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface AuditEntry {
  at: number;
  /** Who: `key:<id> (<name>)`, `oidc:<subject>`, `anonymous`, or `unauthenticated`. */
  actor: string;
  /** `POST /push`, `keys.create`, an action name: what was attempted. */
  action: string;
  /** What it was attempted on: `feature_view:driver_stats`, a path. */
  resource: string;
  outcome: 'ok' | 'failed' | 'denied' | 'unauthenticated' | 'rate_limited';
  /** The HTTP status answered. */
  status: number;
  /** Counts and reasons (`rows=120`, `no permission grants READ_ONLINE`); never a secret. */
  detail: string | null;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

/**
 * API keys, permissions and the audit log in the registry. Contract, proved for every backend by
 * `test/registry/auth-store.contract.ts`:
 * - `createKey` refuses an id that exists (`conflict`); `revokeKey` sets `revokedAt` once and answers
 *   false for an unknown id; a revoked key stays listed.
 * - `replacePermissions` swaps the whole list at once, in order.
 * - The audit log is append-only: the database refuses updates and deletes; `audit` lists newest first.
 */
export interface AuthStore {
  createKey(key: ApiKeyRecord): Promise<void>;
  key(id: string): Promise<ApiKeyRecord | null>;
  keys(): Promise<ApiKeyRecord[]>;
  revokeKey(id: string, at: number): Promise<boolean>;
  /** Whether any key was ever created (revoked ones count): auth stays on once it was turned on. */
  anyKey(): Promise<boolean>;
  replacePermissions(permissions: PermissionInput[]): Promise<void>;
  permissions(): Promise<PermissionInput[]>;
  appendAudit(entries: AuditEntry[]): Promise<void>;
  audit(options: { limit: number; beforeId?: number; actor?: string }): Promise<AuditRecord[]>;
}
