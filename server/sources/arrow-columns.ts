import { inTimestampRange } from '../domain/time.js';
import { Precision, TimeUnit, Type } from '../vendor/arrow.cjs';
import type { Data, DataType, Decimal, Dictionary, Float, Int, Timestamp, Vector } from '../vendor/arrow.cjs';
import { KIND_BOOL, KIND_FLOAT64, KIND_INT64, KIND_STRING, KIND_TIMESTAMP } from './column-buffer.js';
import type { Kind } from './column-buffer.js';

/**
 * Arrow columns read from a file (Parquet) -> the connector contract. When a column already has the
 * emitted type it passes through without touching a value (`passesThrough`); otherwise `rowValues`
 * turns it into plain JS values for the BatchBuilder.
 */

/** True when `type` is, buffer for buffer, what the builder would emit for `kind`. */
export function passesThrough(type: DataType, kind: Kind): boolean {
  switch (kind) {
    case KIND_FLOAT64:
      return type.typeId === Type.Float && (type as Float).precision === Precision.DOUBLE;
    case KIND_INT64:
      return isInt64(type);
    case KIND_BOOL:
      return type.typeId === Type.Bool;
    case KIND_STRING: {
      if (type.typeId !== Type.Dictionary) return false;
      const dict = type as Dictionary;
      return dict.dictionary.typeId === Type.Utf8 && dict.indices.bitWidth === 32 && dict.indices.isSigned;
    }
    case KIND_TIMESTAMP:
      // A timestamp without a zone is wall-clock time, which Tessera reads as UTC (like naive strings).
      return type.typeId === Type.Timestamp && (type as Timestamp).unit === TimeUnit.MILLISECOND;
  }
}

function isInt64(type: DataType): boolean {
  return type.typeId === Type.Int && (type as Int).bitWidth === 64 && (type as Int).isSigned;
}

/** Int64 data whose valid values all fit in a double exactly (|x| < 2^53), as coercion demands. */
export function int64InSafeRange(data: Data): boolean {
  const words = int32Words(data);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const hi = words[2 * i + 1];
    if (hi >= 2_097_152 || hi < -2_097_152 || (hi === -2_097_152 && words[2 * i] === 0)) return false;
  }
  return true;
}

/** Timestamp (ms) data whose valid values are all in years 0001-9999 UTC, as coercion demands. */
export function timestampsInRange(data: Data): boolean {
  const words = int32Words(data);
  for (let i = 0; i < data.length; i++) if (data.getValid(i) && !inTimestampRange(words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0))) return false;
  return true;
}

/** Epoch ms of each row of a timestamp column in ms (NaN for null). */
export function timestampMillis(data: Data): Float64Array {
  const words = int32Words(data);
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data.getValid(i) ? words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0) : NaN;
  return out;
}

function int32Words(data: Data): Int32Array {
  const values = data.values as BigInt64Array;
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

const PER_MS: Record<number, bigint> = { [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1_000_000n };

/**
 * One JS value per row: numbers, bigints (int64), booleans, strings, or null. Timestamps of any unit
 * become epoch ms, floored like the string parser truncates fractions (to the earlier millisecond).
 */
export function rowValues(vector: Vector): ArrayLike<unknown> {
  const type = vector.type as DataType;
  if (type.typeId === Type.Decimal) {
    const scale = (type as Decimal).scale;
    return Array.from(vector as Iterable<unknown>, (v) => (v === null ? null : decimalToNumber(String(v), scale)));
  }
  if (type.typeId !== Type.Timestamp) return Array.from(vector as Iterable<unknown>);
  const unit = (type as Timestamp).unit;
  const out: (number | null)[] = [];
  for (const data of vector.data as Data[]) {
    const values = data.values as BigInt64Array;
    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) out.push(null);
      else if (unit === TimeUnit.SECOND) out.push(Number(values[i]) * 1000);
      else if (unit === TimeUnit.MILLISECOND) out.push(Number(values[i]));
      else {
        const per = PER_MS[unit];
        const v = values[i];
        const q = v / per;
        out.push(Number(v < 0n && q * per !== v ? q - 1n : q));
      }
    }
  }
  return out;
}

/**
 * A DECIMAL's unscaled digits (Arrow hands them over as an integer: 1250 for 12.50 at scale 2) as the
 * nearest number. The point goes into the text first, so the one rounding is the parse's.
 */
export function decimalToNumber(unscaled: string, scale: number): number {
  const negative = unscaled.startsWith('-');
  let digits = negative ? unscaled.slice(1) : unscaled;
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) digits += '0'.repeat(-scale);
  return Number(negative ? `-${digits}` : digits);
}
