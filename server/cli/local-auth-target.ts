import { loadConfig } from '../config.js';
import { type AuthTarget, LOCAL_ACTOR } from './auth-target.js';
import type { DataDirAccess } from './data-dir-check.js';
import { openLocalServices } from './open-local-services.js';

/**
 * A data directory as an `AuthTarget`, through the same services a server uses, so the first admin key
 * can be made before auth is on. Local key changes are audited too.
 */
export async function openLocalAuthTarget(options: { dataDir?: string; access: DataDirAccess }, env: NodeJS.ProcessEnv): Promise<AuthTarget> {
  const config = loadConfig({ dataDir: options.dataDir }, env);
  const local = await openLocalServices(config, options.access);
  const { services } = local;
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
    close: () => local.close(),
  };
}
