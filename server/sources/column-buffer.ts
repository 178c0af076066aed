import { Bool, Dictionary, Float64, Int32, Int64, TimeUnit, Timestamp, Utf8, Vector, makeData } from '../vendor/arrow.cjs';
import type { Data, DataType } from '../vendor/arrow.cjs';
import type { ColumnReadType } from './source.js';

export const KIND_FLOAT64 = 0;
export const KIND_INT64 = 1;
export const KIND_BOOL = 2;
export const KIND_STRING = 3;
export const KIND_TIMESTAMP = 4;
export type Kind = typeof KIND_FLOAT64 | typeof KIND_INT64 | typeof KIND_BOOL | typeof KIND_STRING | typeof KIND_TIMESTAMP;

export function kindOf(type: ColumnReadType): Kind {
  switch (type) {
    case 'float64':
      return KIND_FLOAT64;
    case 'int64':
      return KIND_INT64;
    case 'bool':
      return KIND_BOOL;
    case 'string':
      return KIND_STRING;
    case 'timestamp':
      return KIND_TIMESTAMP;
  }
}

/** The Arrow type every connector emits for a kind. */
export function arrowTypeFor(kind: Kind): DataType {
  switch (kind) {
    case KIND_FLOAT64:
      return new Float64();
    case KIND_INT64:
      return new Int64();
    case KIND_BOOL:
      return new Bool();
    case KIND_STRING:
      return new Dictionary(new Utf8(), new Int32());
    case KIND_TIMESTAMP:
      return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
  }
}

const TWO_32 = 4294967296;

/**
 * One column of the batch being built, as the typed arrays Arrow will own. A single class for every
 * kind (unused arrays stay empty) keeps the builder's hot loop monomorphic. int64 and timestamps are
 * written as two int32 halves: a BigInt per value would cost more than parsing it.
 */
export class ColumnBuffer {
  readonly kind: Kind;
  validity: Uint8Array;
  f64: Float64Array;
  /** Little-endian int64 pairs (every platform Node runs on here is little-endian). */
  i32: Int32Array;
  bits: Uint8Array;
  codes: Int32Array;
  dictionary: string[] = [];
  private index = new Map<string, number>();

  constructor(kind: Kind, capacity: number) {
    this.kind = kind;
    this.validity = new Uint8Array((capacity + 7) >> 3);
    this.f64 = new Float64Array(kind === KIND_FLOAT64 ? capacity : 0);
    this.i32 = new Int32Array(kind === KIND_INT64 || kind === KIND_TIMESTAMP ? capacity * 2 : 0);
    this.bits = new Uint8Array(kind === KIND_BOOL ? (capacity + 7) >> 3 : 0);
    this.codes = new Int32Array(kind === KIND_STRING ? capacity : 0);
  }

  setValid(i: number): void {
    this.validity[i >> 3] |= 1 << (i & 7);
  }

  setNull(i: number): void {
    this.validity[i >> 3] &= ~(1 << (i & 7));
    // Null slots hold NaN (Tessera's in-memory null, should a reader skip the bitmap) and, for strings,
    // a valid dictionary index: some readers check indexes before validity.
    if (this.kind === KIND_FLOAT64) this.f64[i] = NaN;
    else if (this.kind === KIND_STRING) this.codes[i] = 0;
  }

  /** `x` is a safe integer. */
  setInt64(i: number, x: number): void {
    const hi = Math.floor(x / TWO_32);
    this.i32[2 * i] = (x - hi * TWO_32) | 0;
    this.i32[2 * i + 1] = hi;
  }

  /** An int64 beyond 2^53, exact (the slow path: such values are rare). */
  setWideInt64(i: number, x: bigint): void {
    new BigInt64Array(this.i32.buffer, i * 8, 1)[0] = x;
  }

  setBool(i: number, x: boolean): void {
    if (x) this.bits[i >> 3] |= 1 << (i & 7);
    else this.bits[i >> 3] &= ~(1 << (i & 7));
  }

  setString(i: number, x: string): void {
    let code = this.index.get(x);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(x);
      this.index.set(x, code);
    }
    this.codes[i] = code;
  }

  grow(capacity: number): void {
    this.validity = copyInto(new Uint8Array((capacity + 7) >> 3), this.validity);
    if (this.kind === KIND_FLOAT64) this.f64 = copyInto(new Float64Array(capacity), this.f64);
    else if (this.kind === KIND_INT64 || this.kind === KIND_TIMESTAMP) this.i32 = copyInto(new Int32Array(capacity * 2), this.i32);
    else if (this.kind === KIND_BOOL) this.bits = copyInto(new Uint8Array((capacity + 7) >> 3), this.bits);
    else this.codes = copyInto(new Int32Array(capacity), this.codes);
  }

  /** Hands the arrays to Arrow; `reset` must follow before the next row. */
  toData(type: DataType, length: number): Data {
    const nullBitmap = this.validity.subarray(0, (length + 7) >> 3);
    const nullCount = length - countBits(nullBitmap, length);
    const common = { type, length, nullCount, nullBitmap: nullCount === 0 ? null : nullBitmap };
    switch (this.kind) {
      case KIND_FLOAT64:
        return makeData({ ...common, type: type as Float64, data: this.f64.subarray(0, length) });
      case KIND_BOOL:
        return makeData({ ...common, type: type as Bool, data: this.bits.subarray(0, (length + 7) >> 3) });
      case KIND_STRING:
        return makeData({ ...common, type: type as Dictionary<Utf8, Int32>, data: this.codes.subarray(0, length), dictionary: utf8Vector(this.dictionary) });
      case KIND_INT64:
        return makeData({ ...common, type: type as Int64, data: new BigInt64Array(this.i32.buffer, 0, length) });
      default:
        return makeData({ ...common, type: type as Timestamp, data: new BigInt64Array(this.i32.buffer, 0, length) });
    }
  }

  /** Fresh arrays: the old ones now belong to an emitted batch. */
  reset(capacity: number): void {
    const fresh = new ColumnBuffer(this.kind, capacity);
    this.validity = fresh.validity;
    this.f64 = fresh.f64;
    this.i32 = fresh.i32;
    this.bits = fresh.bits;
    this.codes = fresh.codes;
    this.dictionary = [];
    this.index = new Map();
  }
}

function copyInto<T extends Uint8Array | Int32Array | Float64Array>(target: T, source: T): T {
  (target as Uint8Array).set(source as Uint8Array);
  return target;
}

function countBits(bitmap: Uint8Array, length: number): number {
  let count = 0;
  const full = length >> 3;
  for (let i = 0; i < full; i++) {
    let b = bitmap[i];
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    count += (b + (b >> 4)) & 0x0f;
  }
  for (let i = full << 3; i < length; i++) count += (bitmap[i >> 3] >> (i & 7)) & 1;
  return count;
}

/** A Utf8 vector of the dictionary entries, built in one buffer. */
export function utf8Vector(values: readonly string[]): Vector<Utf8> {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    total += Buffer.byteLength(values[i], 'utf8');
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  const encoder = new TextEncoder();
  for (let i = 0; i < values.length; i++) encoder.encodeInto(values[i], bytes.subarray(offsets[i], offsets[i + 1]));
  return new Vector([makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes })]);
}
