import path from 'node:path';
import { TesseraError } from '../errors.js';
import type { OnlineStore } from './online-store.js';
import { parseRedisUrl } from './redis/redis-url.js';
import { SqliteOnlineStore } from './sqlite-online-store.js';

export interface OnlineStoreOptions {
  dataDir: string;
  /** `TESSERA_ONLINE_URL`: a store behind a URL; unset = `<dataDir>/online.db`. */
  onlineUrl?: string;
}

/**
 * The one place the online store is chosen from the configuration and built. A URL store must answer
 * before this resolves: a wrong or unreachable URL fails the start with one line naming the setting.
 */
export async function openOnlineStore(options: OnlineStoreOptions): Promise<OnlineStore> {
  if (options.onlineUrl !== undefined) {
    if (/^rediss?(\+cluster)?:/i.test(options.onlineUrl)) {
      const location = parseRedisUrl(options.onlineUrl);
      // Loaded only here: ioredis costs every process on the embedded store (every CLI call, most tests) a sixth of a second.
      const [{ connectRedis }, { RedisOnlineStore }] = await Promise.all([import('./redis/connect-redis.js'), import('./redis/redis-online-store.js')]);
      return new RedisOnlineStore(await connectRedis(location), location);
    }
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(options.onlineUrl)?.[0] ?? options.onlineUrl;
    throw new TesseraError('validation', `TESSERA_ONLINE_URL (--online-url): no online store serves '${scheme}' URLs (redis://, rediss://, redis+cluster://)`, [
      { path: 'onlineUrl', message: 'unsupported scheme' },
    ]);
  }
  return new SqliteOnlineStore(path.join(options.dataDir, 'online.db'));
}
