import { Field, RecordBatch, Schema, Struct, makeData } from '../vendor/arrow.cjs';
import type { Data } from '../vendor/arrow.cjs';
import { TesseraError } from '../errors.js';
import { toBool, toFloat64, toInt64, toStringValue, toWideInt64, toTimestampMs } from './coerce.js';
import { ColumnBuffer, KIND_BOOL, KIND_FLOAT64, KIND_INT64, KIND_STRING, arrowTypeFor, kindOf } from './column-buffer.js';
import type { ColumnRequest, ReadRequest, RejectedRow, SourceBatch } from './source.js';

/** A row as a connector holds it: an array (CSV fields, SQLite columns) or an object (JSON). */
export type RawRow = ArrayLike<unknown> | Readonly<Record<string, unknown>>;

/** Describes rows for the rejects file. Called only when a row is rejected, so it may be slow. */
export interface RowOrigin {
  /** Where row `n` came from: `data/a.csv:17`, `query row 12`, `GET <url> record 3`. */
  location(n: number): string;
  /** The row as an object keyed by source column names. */
  raw(row: RawRow): Record<string, unknown>;
}

export type BuilderOptions = Pick<ReadRequest, 'columns' | 'timestampColumn' | 'range' | 'batchSize'>;

/**
 * Coerces raw rows to the requested types and cuts them into Arrow record batches. A connector binds
 * where each requested column sits in its rows (`bind`), then `add`s rows; every call that completes a
 * batch returns it. Rows are checked timestamp first, so a row outside the range is skipped before any
 * other value can reject it; a rejected row reports its first bad column in request order.
 */
export class BatchBuilder {
  readonly schema: Schema;
  private readonly columns: ColumnRequest[];
  private readonly buffers: ColumnBuffer[];
  /** Column indexes, timestamp column first. */
  private readonly order: number[];
  private readonly batchSize: number;
  private readonly start: number;
  private readonly end: number;
  private keys: ReadonlyArray<string | number> = [];
  private origin: RowOrigin | null = null;
  private length = 0;
  private capacity: number;
  private rejects: RejectedRow[] = [];

  constructor(options: BuilderOptions) {
    const { columns, timestampColumn, range, batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new TesseraError('internal', `batchSize must be a positive integer, got ${batchSize}`);
    const tsIndex = columns.findIndex((c) => c.name === timestampColumn);
    if (tsIndex < 0 || columns[tsIndex].type !== 'timestamp') {
      throw new TesseraError('internal', `the timestamp column '${timestampColumn}' must be among the requested columns, as type timestamp`);
    }
    this.columns = columns;
    this.batchSize = batchSize;
    this.start = range.start ?? -Infinity;
    this.end = range.end;
    // Grows by doubling: a 1M-row batchSize should not cost 80 MB for a 10-row HTTP answer.
    this.capacity = Math.min(batchSize, 1024);
    this.buffers = columns.map((c) => new ColumnBuffer(kindOf(c.type), this.capacity));
    this.order = [tsIndex, ...columns.map((_, i) => i).filter((i) => i !== tsIndex)];
    // Required columns and the event time never hold a null: a row without one is rejected.
    this.schema = new Schema(columns.map((c, i) => new Field(c.name, arrowTypeFor(this.buffers[i].kind), !(c.required || i === tsIndex))));
  }

  /** Where each requested column's value sits in the rows to come: an array index (-1: absent) or a property name. */
  bind(keys: ReadonlyArray<string | number>, origin: RowOrigin): void {
    if (keys.length !== this.columns.length) throw new TesseraError('internal', 'one key per requested column');
    this.keys = keys;
    this.origin = origin;
  }

  /** Adds row `n` (a line or record number, for rejects). Returns a batch when one is complete. */
  add(row: RawRow, n: number): SourceBatch | null {
    const r = row as Record<string | number, unknown>;
    const slot = this.length;
    if (slot === this.capacity) this.grow();
    const { order, buffers, keys, columns } = this;
    for (let k = 0; k < order.length; k++) {
      const c = order[k];
      const v = r[keys[c]];
      const buf = buffers[c];
      let ok = true;
      switch (buf.kind) {
        case KIND_FLOAT64: {
          const x = toFloat64(v);
          if (x === undefined) return this.reject('invalid_float64', columns[c].name, v, row, n);
          if (x === null) ok = false;
          else buf.f64[slot] = x;
          break;
        }
        case KIND_INT64: {
          const x = toInt64(v);
          if (x === undefined) {
            const wide = toWideInt64(v);
            if (wide === undefined) return this.reject('invalid_int64', columns[c].name, v, row, n);
            buf.setWideInt64(slot, wide);
          } else if (x === null) ok = false;
          else buf.setInt64(slot, x);
          break;
        }
        case KIND_BOOL: {
          const x = toBool(v);
          if (x === undefined) return this.reject('invalid_bool', columns[c].name, v, row, n);
          if (x === null) ok = false;
          else buf.setBool(slot, x);
          break;
        }
        case KIND_STRING: {
          const x = toStringValue(v);
          if (x === undefined) return this.reject('invalid_string', columns[c].name, v, row, n);
          if (x === null) ok = false;
          else buf.setString(slot, x);
          break;
        }
        default: {
          const x = toTimestampMs(v);
          if (x === undefined) return this.reject('invalid_timestamp', columns[c].name, v, row, n);
          if (x === null) ok = false;
          else {
            // The event time decides first whether the row belongs to this read at all.
            if (k === 0 && (x <= this.start || x > this.end)) return null;
            buf.setInt64(slot, x);
          }
        }
      }
      if (ok) buf.setValid(slot);
      else if (columns[c].required || k === 0) return this.reject('missing_value', columns[c].name, v, row, n);
      else buf.setNull(slot);
    }
    this.length = slot + 1;
    return this.length >= this.batchSize ? this.emit() : null;
  }

  /** Records a rejected row (also for connector-level faults such as bad JSON). */
  reject(reason: string, column: string, value: unknown, row: RawRow | null, n: number): SourceBatch | null {
    const origin = this.origin;
    this.rejects.push({
      reason,
      column,
      location: origin === null ? String(n) : origin.location(n),
      value: valueText(value),
      raw: row === null || origin === null ? {} : origin.raw(row),
    });
    // Bounds memory when most rows are bad: rejects travel with a (possibly empty) batch.
    return this.rejects.length >= this.batchSize ? this.emit() : null;
  }

  /** The rows and rejects held so far, or null when there are none. */
  flush(): SourceBatch | null {
    return this.length > 0 || this.rejects.length > 0 ? this.emit() : null;
  }

  private grow(): void {
    this.capacity = Math.min(this.batchSize, this.capacity * 2);
    for (const b of this.buffers) b.grow(this.capacity);
  }

  private emit(): SourceBatch {
    const length = this.length;
    const children: Data[] = this.buffers.map((b, i) => b.toData(this.schema.fields[i].type, length));
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children });
    const batch = new RecordBatch(this.schema, data);
    const rejects = this.rejects;
    this.length = 0;
    this.rejects = [];
    for (const b of this.buffers) b.reset(this.capacity);
    return { batch, rejects };
  }
}

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !(v instanceof Date)) {
    try {
      return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}
