import type { Cluster } from 'ioredis';
import type { Column } from '../../columns/column.js';
import type { KeyType } from '../../domain/value-type.js';
import { TesseraError } from '../../errors.js';
import type { KeyValue, OnlineRecord, OnlineRows, OnlineStore, OnlineTable, PreparedRead } from '../online-store.js';
import { type RedisClient, unavailable } from './connect-redis.js';
import { keySlot } from './key-slot.js';
import { RedisRead } from './redis-read.js';
import { rowKey, tablePattern, tablePrefix } from './redis-keys.js';
import type { RedisLocation } from './redis-url.js';
import { WRITE_COMMAND, WRITE_SCRIPT } from './write-script.js';
import { withDeadline } from './deadline.js';

/** Rows per script call: Redis runs one script at a time, so a call must stay short (about a millisecond). */
const ROWS_PER_SCRIPT = 256;
/** Script calls in flight at once during a write: enough to keep Redis busy, bounded in memory. */
const SCRIPTS_IN_FLIGHT = 8;
/** Keys per SCAN step and UNLINK call when a table is dropped. */
const DROP_BATCH = 1000;

interface WriteCommand {
  tesseraWrite(numKeys: number, keys: string[], args: string[]): Promise<number>;
}

/**
 * The online store in Redis (or Redis Cluster): one hash per view version and entity key (layout in
 * redis-keys.ts, reasons in docs/online-stores.md). Writes go through a Lua script that keeps the
 * newer row; a batch of rows is applied in script calls of ROWS_PER_SCRIPT rows, each atomic, so a
 * reader sees every row whole but may see part of a large write before the rest (the contract).
 */
export class RedisOnlineStore implements OnlineStore {
  readonly synchronousReads = false;
  private readonly fail: (e: unknown) => never;
  /** Bounds a command's wait in a cluster (see deadline.ts); a single Redis's own timeouts suffice. */
  private readonly bound: <T>(work: Promise<T>) => Promise<T>;

  constructor(
    private readonly client: RedisClient,
    private readonly location: RedisLocation,
  ) {
    client.defineCommand(WRITE_COMMAND, { lua: WRITE_SCRIPT });
    this.fail = (e) => {
      throw unavailable(location, e);
    };
    const late = () => new Error(`no answer within ${location.timeoutMs} ms (timeout_ms)`);
    this.bound = location.cluster ? (work) => withDeadline(work, location.timeoutMs, late) : (work) => work;
  }

  /** Nothing to create: a table is its keys, which the first write makes. */
  async createTable(_table: OnlineTable): Promise<void> {}

  /** Removes the table's keys in SCAN/UNLINK batches: Redis keeps answering others meanwhile. */
  async dropTable(view: string, version: number): Promise<void> {
    const pattern = tablePattern(tablePrefix(this.location.prefix, view, version));
    const nodes = this.location.cluster ? (this.client as Cluster).nodes('master') : [this.client];
    try {
      for (const node of nodes) {
        let cursor = '0';
        do {
          const [next, keys] = await this.bound(node.scan(cursor, 'MATCH', pattern, 'COUNT', DROP_BATCH));
          cursor = next;
          // In a cluster each key is unlinked on its own: one command's keys must share a slot.
          if (keys.length) await this.bound<unknown>(this.location.cluster ? Promise.all(keys.map((k) => node.unlink(k))) : node.unlink(keys));
        } while (cursor !== '0');
      }
    } catch (e) {
      this.fail(e);
    }
  }

  async write(table: OnlineTable, rows: OnlineRows): Promise<{ written: number }> {
    const prefix = tablePrefix(this.location.prefix, table.view, table.version);
    const keyOf = entityKeys(
      rows.keys,
      table.keys.map((k) => k.type),
    );
    const values = rows.columns.map((c, k) => textReader(c, table.columns[k].type === 'int64'));
    const fields = table.columns.map((c) => c.name);
    const created = rows.createdTs;
    const keys = new Array<string>(rows.length);
    for (let i = 0; i < rows.length; i++) keys[i] = rowKey(prefix, keyOf(i));
    const command = this.client as unknown as WriteCommand;
    let written = 0;
    const inFlight = new Set<Promise<void>>();
    const send = async (batch: number[]) => {
      const batchKeys = new Array<string>(batch.length);
      const args: string[] = [String(fields.length), ...fields];
      const mask = new Array<string>(values.length);
      for (let b = 0; b < batch.length; b++) {
        const i = batch[b];
        batchKeys[b] = keys[i];
        const c = created === null ? Number.NaN : created[i];
        const at = args.length;
        args.push(String(rows.eventTs[i]), c !== c ? '' : String(c), '');
        for (let k = 0; k < values.length; k++) {
          const v = values[k](i);
          mask[k] = v === null ? '0' : '1';
          if (v !== null) args.push(v);
        }
        args[at + 2] = mask.join('');
      }
      const task = this.bound(command.tesseraWrite(batchKeys.length, batchKeys, args)).then((count) => {
        written += count;
      });
      const tracked = task.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      if (inFlight.size >= SCRIPTS_IN_FLIGHT) await Promise.race(inFlight);
    };
    try {
      for (const batch of batches(keys, this.location.cluster)) await send(batch);
      await Promise.all(inFlight);
    } catch (e) {
      await Promise.allSettled(inFlight);
      this.fail(e);
    }
    return { written };
  }

  async read(table: OnlineTable, keys: KeyValue[][], features: string[]): Promise<(OnlineRecord | null)[]> {
    return this.prepareRead(table, features).read(keys);
  }

  prepareRead(table: OnlineTable, features: string[]): PreparedRead {
    return new RedisRead(this.client, this.location.prefix, table, features, this.fail, this.bound);
  }

  async ping(): Promise<void> {
    try {
      await this.bound(this.client.ping());
    } catch (e) {
      this.fail(e);
    }
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/**
 * Row indexes in script-sized batches, in row order (a key's rows keep their order, so the last of
 * equal rows wins as in one statement). In a cluster a script may only touch one slot: rows are
 * grouped by slot first.
 */
function* batches(keys: string[], cluster: boolean): Generator<number[]> {
  if (!cluster) {
    for (let start = 0; start < keys.length; start += ROWS_PER_SCRIPT) yield Array.from({ length: Math.min(ROWS_PER_SCRIPT, keys.length - start) }, (_, j) => start + j);
    return;
  }
  const bySlot = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const slot = keySlot(keys[i]);
    let rows = bySlot.get(slot);
    if (!rows) bySlot.set(slot, (rows = []));
    rows.push(i);
    if (rows.length === ROWS_PER_SCRIPT) {
      yield rows;
      bySlot.delete(slot);
    }
  }
  yield* bySlot.values();
}

function entityKeys(columns: Column[], types: KeyType[]): (i: number) => KeyValue[] {
  const readers = columns.map((column, k): ((i: number) => KeyValue | null) => {
    // An int64 key given as decimal text (beyond 2^53): a BigInt, so a composite key writes it unquoted.
    if (column.kind === 'string' && types[k] === 'int64') return (i: number) => (column.codes[i] < 0 ? null : BigInt(column.dictionary[column.codes[i]]));
    if (column.kind === 'string') return (i: number) => (column.codes[i] < 0 ? null : column.dictionary[column.codes[i]]);
    return (i: number) => (column.values[i] !== column.values[i] ? null : column.values[i]);
  });
  return (i) =>
    readers.map((read) => {
      const v = read(i);
      if (v === null) throw new TesseraError('validation', `row ${i}: a join key is null; online rows need every key`);
      return v;
    });
}

/**
 * A column's cell as the text Redis stores, or null for a null cell (no field). An int64 column given as
 * decimal text (it holds a value beyond 2^53) is stored as the exact digits, written the one canonical way.
 */
function textReader(column: Column, int64: boolean): (i: number) => string | null {
  if (column.kind === 'string' && int64) return (i) => (column.codes[i] < 0 ? null : String(BigInt(column.dictionary[column.codes[i]])));
  if (column.kind === 'string') return (i) => (column.codes[i] < 0 ? null : column.dictionary[column.codes[i]]);
  const values = column.values;
  return (i) => (values[i] !== values[i] ? null : String(values[i]));
}
