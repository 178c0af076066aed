import { describeValue } from '../errors.js';
import type { KeyType } from './value-type.js';

/** A join key as stores, pipelines and answers hold it: int64 a number within 2^53, else a BigInt. */
export type JoinKeyValue = number | bigint | string;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[-+]?\d+$/;

/**
 * A JSON value as a join key of `type`, the one rule of every way a key comes in as JSON (online
 * reads, push, /transform, historical entity rows), so training and serving read `"5001"` alike:
 * - int64: a JSON integer, or its decimal digits as a string (Feast reads both, with `int(x)`);
 *   within int64, exact beyond 2^53 (a BigInt) where the JSON reader kept it so.
 * - string: a non-empty string, or a JSON integer read as its decimal digits (Feast's `str(x)`).
 * A fraction, an exponent in text, a boolean and `""` are not keys of either type (`undefined`): a
 * pipeline reads an empty field as missing, so no stored row has the key `""`. `null` (and a missing
 * value) is `null`: whether a key may be missing is the caller's rule.
 * No allocation for the usual values (a safe integer for int64, a string for string).
 */
export function joinKeyOf(type: KeyType, v: unknown): JoinKeyValue | null | undefined {
  if (type === 'int64') {
    if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
    if (typeof v === 'string') {
      if (!INTEGER_TEXT.test(v)) return undefined;
      // 15 digits always fit a double exactly; beyond, BigInt decides (and says when it does not fit int64).
      return v.length <= 16 && Number.isSafeInteger(+v) ? +v : int64(BigInt(v));
    }
    if (typeof v === 'bigint') return int64(v);
  } else {
    if (typeof v === 'string') return v.length > 0 ? v : undefined;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : undefined;
    if (typeof v === 'bigint') return v >= INT64_MIN && v <= INT64_MAX ? String(v) : undefined;
  }
  return v === null || v === undefined ? null : undefined;
}

function int64(v: bigint): number | bigint | undefined {
  if (v < INT64_MIN || v > INT64_MAX) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** Why `v` is not a key of `type` (`joinKeyOf` gave undefined), for the 400 naming its field. */
export function joinKeyProblem(type: KeyType, v: unknown): string {
  if (v === '') return 'an empty string is not a join key';
  if (type === 'int64') return `expected a 64-bit integer (a JSON integer, or its digits as a string), got ${describeValue(v)}`;
  return `expected a non-empty string (or a JSON integer, read as its digits), got ${describeValue(v)}`;
}
