import type { FeatureStatus } from '../serving/online-response.js';
import type { LogSchema } from './log-schema.js';
import type { ServedRequest } from './served-request.js';

/** Statuses as dictionary codes, in the order of the status dictionary of every log file. */
export const STATUSES: readonly FeatureStatus[] = ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'];

/**
 * One column's rows, each with an Arrow validity bitmap (bit set = not null). Numbers, booleans and
 * times sit in typed arrays; strings as Parquet's PLAIN byte arrays (a 4-byte length, then UTF-8),
 * so a batch holds no string objects either.
 */
export type LogColumn =
  | { kind: 'float64' | 'time'; data: Float64Array; valid: Uint8Array }
  | { kind: 'int64'; data: BigInt64Array; valid: Uint8Array }
  | { kind: 'bool'; data: Uint8Array; valid: Uint8Array }
  | { kind: 'string'; data: Uint8Array; used: number; valid: Uint8Array };

/**
 * A finished batch of log rows of one schema, as the encoder thread gets it: plain data, its typed
 * arrays' buffers transferable (`buffers`), so handing it over copies nothing.
 */
export interface LogBatch {
  schema: LogSchema;
  rows: number;
  /** The earliest request time in the batch (it names the file). */
  firstAt: number;
  requestIds: LogColumn;
  times: Float64Array;
  keys: LogColumn[];
  values: LogColumn[];
  statuses: Int8Array[];
  /** Per view of the plan: the served rows' event times (null when not found). */
  stamps: LogColumn[];
}

/**
 * Where a batch's buffers come from (`take`: exactly `bytes` long, a pool of returned ones or new)
 * and where those it outgrew go (`give`). A reused buffer holds an earlier batch's bytes: validity
 * bitmaps are cleared here; values are read only where their bit is set, times and statuses are
 * written for every row, strings up to `used`.
 */
export interface Buffers {
  take(bytes: number): ArrayBuffer;
  give(buffers: readonly ArrayBuffer[]): void;
}

type Allocate = (bytes: number) => ArrayBuffer;

/** Buffers may be longer than asked (`Buffers.take`): every view is of the length it needs. */
const bitmap = (capacity: number, alloc: Allocate): Uint8Array => {
  const bytes = (capacity + 7) >> 3;
  return new Uint8Array(alloc(bytes), 0, bytes).fill(0);
};

const fresh: Buffers = { take: (bytes) => new ArrayBuffer(bytes), give: () => undefined };

function column(kind: LogColumn['kind'], capacity: number, alloc: Allocate): LogColumn {
  const valid = bitmap(capacity, alloc);
  // Strings: room for ids of up to 28 characters (a UUID grows it once, from the pool).
  if (kind === 'string') return { kind, data: new Uint8Array(alloc(capacity * 32)), used: 0, valid };
  if (kind === 'int64') return { kind, data: new BigInt64Array(alloc(capacity * 8), 0, capacity), valid };
  if (kind === 'bool') return { kind, data: new Uint8Array(alloc(capacity), 0, capacity), valid };
  return { kind, data: new Float64Array(alloc(capacity * 8), 0, capacity), valid };
}

/** `c` at a larger capacity; the buffers it leaves go to `outgrown`. */
function grown(c: LogColumn, capacity: number, alloc: Allocate, outgrown: ArrayBuffer[]): LogColumn {
  const valid = bitmap(capacity, alloc);
  valid.set(c.valid);
  outgrown.push(c.valid.buffer as ArrayBuffer);
  if (c.kind === 'string') return { ...c, valid };
  const next = column(c.kind, capacity, alloc) as typeof c;
  (next.data as Uint8Array).set(c.data as Uint8Array);
  outgrown.push(c.data.buffer as ArrayBuffer, next.valid.buffer as ArrayBuffer);
  return { ...next, valid };
}

/** Batches are sized in powers of two, so the buffers of one fit the next of the same schema. */
const powerOfTwo = (n: number): number => 2 ** Math.ceil(Math.log2(n));

const utf8 = new TextEncoder();

/** Appends a string as a PLAIN byte array; ASCII is copied by hand (TextEncoder costs more per call than short ids take). */
function putString(c: Extract<LogColumn, { kind: 'string' }>, text: string, buffers: Buffers): void {
  const room = 4 + 3 * text.length;
  if (c.used + room > c.data.length) {
    const next = new Uint8Array(buffers.take(Math.max(2 * c.data.length, c.used + room)));
    next.set(c.data.subarray(0, c.used));
    buffers.give([c.data.buffer as ArrayBuffer]);
    c.data = next;
  }
  const bytes = c.data;
  const start = c.used + 4;
  let p = start;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      p = start + utf8.encodeInto(text, bytes.subarray(start)).written;
      break;
    }
    bytes[p++] = code;
  }
  const length = p - start;
  bytes[c.used] = length & 0xff;
  bytes[c.used + 1] = (length >>> 8) & 0xff;
  bytes[c.used + 2] = (length >>> 16) & 0xff;
  bytes[c.used + 3] = length >>> 24;
  c.used = p;
}

/** Writes row `at` of a column; a null (or absent) value leaves its validity bit clear. */
function put(c: LogColumn, at: number, value: unknown, buffers: Buffers): void {
  if (value === null || value === undefined) return;
  c.valid[at >> 3] |= 1 << (at & 7);
  if (c.kind === 'string') putString(c, String(value), buffers);
  else if (c.kind === 'int64') c.data[at] = typeof value === 'bigint' ? value : BigInt(value as number);
  else if (c.kind === 'bool') c.data[at] = value ? 1 : 0;
  else c.data[at] = value as number;
}

const statusCode = (s: FeatureStatus): number => (s === 'PRESENT' ? 0 : s === 'NULL_VALUE' ? 1 : s === 'NOT_FOUND' ? 2 : 3);

/**
 * The open batch of one log schema: served rows are copied into column buffers as they are offered,
 * so the serving thread keeps no reference to an answer (a second of answers kept alive is promoted
 * out of the young generation and costs major collections), and the encoder thread gets ready
 * columns. Buffers double when full; a batch starts at the power of two at or above the size the previous
 * one reached, on buffers the encoder thread handed back when there are some (`Allocate`).
 */
export class LogColumns {
  private capacity: number;
  private rows = 0;
  private firstAt = Number.POSITIVE_INFINITY;
  private requestIds: LogColumn;
  private times: Float64Array;
  private keys: LogColumn[];
  private values: LogColumn[];
  private statuses: Int8Array[];
  private stamps: LogColumn[];
  private readonly views: number;

  private readonly alloc: Allocate;

  constructor(
    readonly schema: LogSchema,
    capacity: number,
    private readonly buffers: Buffers = fresh,
  ) {
    this.capacity = powerOfTwo(Math.max(16, capacity));
    this.views = Math.max(0, ...schema.features.map((f) => f.viewIndex + 1));
    const alloc: Allocate = (bytes) => buffers.take(bytes);
    this.alloc = alloc;
    const n = this.capacity;
    this.requestIds = column('string', n, alloc);
    this.times = new Float64Array(alloc(n * 8), 0, n);
    this.keys = schema.keys.map((k) => column(k.type, n, alloc));
    this.values = schema.features.map((f) => column(f.type, n, alloc));
    this.statuses = schema.features.map(() => new Int8Array(alloc(n), 0, n));
    this.stamps = Array.from({ length: this.views }, () => column('time', n, alloc));
  }

  get size(): number {
    return this.rows;
  }

  /** Copies the served rows (the sampled ones) into the columns. `requestId` names them all. */
  append(served: ServedRequest, requestId: string): void {
    const count = served.rows === null ? served.count : served.rows.length;
    if (this.rows + count > this.capacity) this.grow(this.rows + count);
    if (served.at < this.firstAt) this.firstAt = served.at;
    const { keys, values, statuses, stamps, views } = this;
    const results = served.results;
    const offset = served.offset;
    for (let j = 0; j < count; j++) {
      const i = served.rows === null ? j : served.rows[j];
      const at = this.rows++;
      put(this.requestIds, at, requestId, this.buffers);
      this.times[at] = served.at;
      for (let k = 0; k < keys.length; k++) put(keys[k], at, served.keys[k][i], this.buffers);
      for (let v = 0; v < views; v++) put(stamps[v], at, served.found[v][i]?.eventTs, this.buffers);
      const byte = at >> 3;
      const bit = 1 << (at & 7);
      for (let f = 0; f < values.length; f++) {
        const result = results[offset + f];
        const c = values[f];
        const value = result.values[i];
        // float64, the usual feature type, inline: one store site per type keeps each monomorphic.
        if (c.kind === 'float64') {
          if (value !== null && value !== undefined) {
            c.data[at] = value as number;
            c.valid[byte] |= bit;
          }
        } else put(c, at, value, this.buffers);
        statuses[f][at] = statusCode(result.statuses[i]);
      }
    }
  }

  /** The rows so far, trimmed to their count; this object is not used after. */
  finish(): { batch: LogBatch; buffers: ArrayBuffer[] } {
    const n = this.rows;
    const trim = (c: LogColumn): LogColumn => {
      const valid = c.valid.subarray(0, (n + 7) >> 3);
      return c.kind === 'string' ? { ...c, data: c.data.subarray(0, c.used), valid } : ({ ...c, data: c.data.subarray(0, n), valid } as LogColumn);
    };
    const batch: LogBatch = {
      schema: this.schema,
      rows: n,
      firstAt: this.firstAt,
      requestIds: trim(this.requestIds),
      times: this.times.subarray(0, n),
      keys: this.keys.map(trim),
      values: this.values.map(trim),
      statuses: this.statuses.map((s) => s.subarray(0, n)),
      stamps: this.stamps.map(trim),
    };
    const buffers = new Set<ArrayBuffer>([batch.times.buffer as ArrayBuffer]);
    for (const c of [batch.requestIds, ...batch.keys, ...batch.values, ...batch.stamps]) {
      buffers.add(c.data.buffer as ArrayBuffer);
      buffers.add(c.valid.buffer as ArrayBuffer);
    }
    for (const s of batch.statuses) buffers.add(s.buffer as ArrayBuffer);
    return { batch, buffers: [...buffers] };
  }

  private grow(needed: number): void {
    let capacity = this.capacity * 2;
    while (capacity < needed) capacity *= 2;
    const alloc = this.alloc;
    // Buffers of the smaller size go back to the pool: the next batch that starts there takes them.
    const outgrown: ArrayBuffer[] = [this.times.buffer as ArrayBuffer];
    this.requestIds = grown(this.requestIds, capacity, alloc, outgrown);
    const times = new Float64Array(alloc(capacity * 8), 0, capacity);
    times.set(this.times);
    this.times = times;
    this.keys = this.keys.map((c) => grown(c, capacity, alloc, outgrown));
    this.values = this.values.map((c) => grown(c, capacity, alloc, outgrown));
    this.stamps = this.stamps.map((c) => grown(c, capacity, alloc, outgrown));
    this.statuses = this.statuses.map((s) => {
      const next = new Int8Array(alloc(capacity), 0, capacity);
      next.set(s);
      outgrown.push(s.buffer as ArrayBuffer);
      return next;
    });
    this.capacity = capacity;
    this.buffers.give(outgrown);
  }
}
