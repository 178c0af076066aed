import Database from 'better-sqlite3';
import { numericColumn } from '../../server/columns/column.js';
import type { OnlineTable } from '../../server/online/online-store.js';
import { connectRedis } from '../../server/online/redis/connect-redis.js';
import { RedisOnlineStore } from '../../server/online/redis/redis-online-store.js';
import { parseRedisUrl } from '../../server/online/redis/redis-url.js';
import { ONLINE_FEATURES, ONLINE_TABLE, ONLINE_VIEW } from './online-data.js';

/**
 * Copies the online view's rows from `online.db` into Redis through the Redis online store (the
 * layout and write path serving reads), so both stores serve the same rows. Returns rows/s of the write.
 */
export async function copyOnlineViewToRedis(onlineDb: string, redisUrl: string): Promise<{ rows: number; rowsPerSecond: number }> {
  const db = new Database(onlineDb, { readonly: true, fileMustExist: true });
  const names = Array.from({ length: ONLINE_FEATURES }, (_, f) => `f${f + 1}`);
  const rows = db
    .prepare(`SELECT driver_id, _event_ts, ${names.map((n) => `"${n}"`).join(', ')} FROM "${ONLINE_TABLE}"`)
    .raw()
    .all() as (number | null)[][];
  db.close();
  const column = (c: number) => numericColumn(Float64Array.from(rows, (r) => (r[c] === null ? Number.NaN : (r[c] as number))));
  const table: OnlineTable = { view: ONLINE_VIEW, version: 1, keys: [{ name: 'driver_id', type: 'int64' }], columns: names.map((name) => ({ name, type: 'float64' })) };
  const location = parseRedisUrl(redisUrl);
  const store = new RedisOnlineStore(await connectRedis(location), location);
  try {
    const started = performance.now();
    await store.write(table, { length: rows.length, keys: [column(0)], eventTs: column(1).values, createdTs: null, columns: names.map((_, f) => column(f + 2)) });
    return { rows: rows.length, rowsPerSecond: rows.length / ((performance.now() - started) / 1000) };
  } finally {
    await store.close();
  }
}
