import type { KeyInfo } from '../auth/key-service.js';
import { createHttpClient } from '../client/http-client.js';
import { systemClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { AuditRecord } from '../registry/auth-store.js';
import { openServices } from '../services.js';

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
export async function openAuthTarget(options: { url?: string; dataDir?: string }, env: NodeJS.ProcessEnv): Promise<AuthTarget> {
  if (options.url) return remoteAuthTarget(options.url);
  const config = loadConfig({ dataDir: options.dataDir }, env);
  const services = await openServices(config, createLogger('warn', process.stderr), systemClock);
  // status 0: no HTTP answer was given; the change was made on the data dir.
  const audited = (action: string, resource: string, detail: string) => services.gate.audit.record({ at: services.gate.now(), actor: LOCAL_ACTOR, action, resource, outcome: 'ok', status: 0, detail });
  return {
    async createKey(input) {
      const created = await services.keys.create({ ...input, createdBy: LOCAL_ACTOR });
      audited('keys.create', `key:${created.key.id}`, `key=${created.key.id} roles=${created.key.roles.join(',')}`);
      return created;
    },
    listKeys: () => services.keys.list(),
    async revokeKey(id) {
      await services.keys.revoke(id);
      audited('keys.revoke', `key:${id}`, `key=${id}`);
    },
    audit: (o) => services.registry.auth.audit({ limit: o.limit, actor: o.actor }),
    // Closing flushes the audit log's queue.
    close: () => services.close(),
  };
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
