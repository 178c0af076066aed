import type { FeatureType } from '../../domain/value-type.js';
import type { KeyValue, OnlineRecord, OnlineValue, OnlineTable, PreparedRead } from '../online-store.js';
import type { RedisClient } from './connect-redis.js';
import { CREATED_FIELD, EVENT_FIELD, rowKey, tablePrefix } from './redis-keys.js';

const NUMBER = 0;
const BOOL = 1;
const STRING = 2;
const INT64 = 3;
const DECODER: Record<FeatureType, number> = { float64: NUMBER, int64: INT64, bool: BOOL, string: STRING };

/**
 * One table's lookup: an HMGET of the row's times and the asked fields per key. The client pipelines
 * every command issued in the same tick (auto-pipelining), so all keys of all views of one request
 * leave in one write and come back in one round trip.
 */
export class RedisRead implements PreparedRead {
  private readonly prefix: string;
  private readonly fields: string[];
  private readonly decoders: Uint8Array;

  constructor(
    private readonly client: RedisClient,
    keyPrefix: string,
    table: OnlineTable,
    features: string[],
    private readonly fail: (e: unknown) => never,
    /** Bounds the wait for the replies (a cluster may queue commands while it has no node). */
    private readonly bound: <T>(work: Promise<T>) => Promise<T> = (work) => work,
  ) {
    this.prefix = tablePrefix(keyPrefix, table.view, table.version);
    const types = new Map(table.columns.map((c) => [c.name, c.type]));
    this.fields = [EVENT_FIELD, CREATED_FIELD, ...features];
    this.decoders = Uint8Array.from(features, (f) => DECODER[types.get(f) ?? 'string']);
  }

  read(keys: KeyValue[][]): Promise<(OnlineRecord | null)[]> {
    const pending = new Array<Promise<(string | null)[]>>(keys.length);
    for (let i = 0; i < keys.length; i++) pending[i] = this.client.hmget(rowKey(this.prefix, keys[i]), ...this.fields);
    return this.bound(Promise.all(pending)).then(
      (replies) => replies.map((reply) => this.record(reply)),
      (e: unknown) => this.fail(e),
    );
  }

  private record(reply: (string | null)[]): OnlineRecord | null {
    if (reply[0] === null) return null;
    const n = this.decoders.length;
    const values = new Array<OnlineValue>(n);
    for (let k = 0; k < n; k++) {
      const text = reply[k + 2];
      const decoder = this.decoders[k];
      values[k] = text === null ? null : decoder === NUMBER ? Number(text) : decoder === INT64 ? int64(text) : decoder === BOOL ? text === '1' : text;
    }
    return { eventTs: Number(reply[0]), createdTs: reply[1] === null ? null : Number(reply[1]), values };
  }
}

/** An int64's stored digits: a number within 2^53, a BigInt beyond (only texts of 16+ characters can be). */
function int64(text: string): number | bigint {
  const n = Number(text);
  return text.length < 16 || Number.isSafeInteger(n) ? n : BigInt(text);
}
