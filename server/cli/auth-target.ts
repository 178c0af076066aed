import type { KeyInfo } from '../auth/key-service.js';
import { createHttpClient } from '../client/http-client.js';
import type { AuditRecord } from '../registry/auth-store.js';
import type { DataDirAccess } from './data-dir-check.js';

/** Who a change made on the data dir itself is written down as: no credentials were presented. */
export const LOCAL_ACTOR = 'cli (local)';

export interface NewKey {
  name: string;
  roles: string[];
  /** Epoch ms, or null: never expires. */
  expiresAt: number | null;
}

/** What `tessera keys` and `tessera audit` act on: a data directory directly, or a running server (`--url`). */
export interface AuthTarget {
  createKey(input: NewKey): Promise<{ token: string; key: KeyInfo }>;
  listKeys(): Promise<KeyInfo[]>;
  revokeKey(id: string): Promise<void>;
  audit(options: { limit: number; actor?: string }): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/**
 * `--url`: the server's admin routes, with the credentials of `--api-key` / TESSERA_API_KEY. Else the
 * data dir through the same services a server uses, so the first admin key can be made before auth is on
 * (anyone who can write the data dir could read the registry anyway). Local key changes are audited too.
 */
export async function openAuthTarget(options: { url?: string; dataDir?: string; access: DataDirAccess }, env: NodeJS.ProcessEnv): Promise<AuthTarget> {
  if (options.url) return remoteAuthTarget(options.url);
  // The data dir needs DuckDB and the rest of the services: loaded only then, so `--url` starts fast.
  const { openLocalAuthTarget } = await import('./local-auth-target.js');
  return openLocalAuthTarget(options, env);
}

function remoteAuthTarget(url: string): AuthTarget {
  const client = createHttpClient(url);
  return {
    createKey: (input) => client.json('POST', '/api/v1/keys', input),
    listKeys: async () => (await client.json<{ keys: KeyInfo[] }>('GET', '/api/v1/keys')).keys,
    revokeKey: async (id) => void (await client.json('DELETE', `/api/v1/keys/${encodeURIComponent(id)}`)),
    async audit(o) {
      const query = new URLSearchParams({ limit: String(o.limit), ...(o.actor ? { actor: o.actor } : {}) });
      return (await client.json<{ entries: AuditRecord[] }>('GET', `/api/v1/audit?${query}`)).entries;
    },
    close: async () => client.close(),
  };
}
