import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseTimestampString } from '../domain/time.js';

/**
 * Raw source values -> typed values. Each function returns the value, `null` for a missing value
 * (null, undefined, empty string, NaN), or `undefined` when the value cannot be coerced. Three states
 * without allocating: these run once per cell, millions of times per run.
 */

export function toFloat64(v: unknown): number | null | undefined {
  if (typeof v === 'string') return v.length === 0 ? null : numberFromText(v);
  if (typeof v === 'number') return v === v ? (v === Infinity || v === -Infinity ? undefined : v) : null;
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    // An integer of 309 digits or more (read exactly by the int64-aware JSON reader) is beyond the
    // float64 range: Number() makes it Infinity, which was stored as null.
    const x = Number(v);
    return x === Infinity || x === -Infinity ? undefined : x;
  }
  return undefined;
}

/** Integers exact in a double only: beyond 2^53 a value would silently change, so it is rejected. */
export function toInt64(v: unknown): number | null | undefined {
  if (typeof v === 'string') {
    if (v.length === 0) return null;
    const x = numberFromText(v);
    return x === null || x === undefined || Number.isSafeInteger(x) ? x : undefined;
  }
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : v === v ? undefined : null;
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    const x = Number(v);
    return Number.isSafeInteger(x) ? x : undefined;
  }
  return undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The slow path after `toInt64` refused a value: decimal integer text or a BigInt beyond 2^53 but
 * within int64, exact. A number beyond 2^53 stays refused: it was rounded before it got here.
 */
export function toWideInt64(v: unknown): bigint | undefined {
  let x: bigint;
  if (typeof v === 'bigint') x = v;
  else if (typeof v === 'string' && /^\s*[+-]?\d{16,19}\s*$/.test(v)) x = BigInt(v.trim());
  else return undefined;
  return x >= INT64_MIN && x <= INT64_MAX ? x : undefined;
}

export function toBool(v: unknown): boolean | null | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return boolFromText(v);
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : v === v ? undefined : null;
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v === 1n ? true : v === 0n ? false : undefined;
  return undefined;
}

export function toStringValue(v: unknown): string | null | undefined {
  if (typeof v === 'string') return v.length === 0 ? null : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v === v ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return String(v);
  return undefined;
}

/** Epoch ms from RFC 3339 text, epoch-ms digits, a number, a bigint or a Date, in years 0001-9999 UTC (`time.ts`). */
export function toTimestampMs(v: unknown): number | null | undefined {
  if (typeof v === 'string') {
    if (v.length === 0) return null;
    const t = parseTimestampString(v);
    return t === null ? undefined : t;
  }
  if (typeof v === 'number') {
    if (v !== v) return null;
    const t = Math.floor(v);
    return t >= MIN_TIMESTAMP_MS && t <= MAX_TIMESTAMP_MS ? t : undefined;
  }
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return toTimestampMs(Number(v));
  if (v instanceof Date) return toTimestampMs(v.getTime());
  return undefined;
}

/**
 * `Number(text)` with its surprises removed: blank text is not 0, `0x1f`/`0b1`/`0o7` are not numbers,
 * `Infinity` is rejected, and `nan` (any case) is a null.
 */
function numberFromText(text: string): number | null | undefined {
  const fast = simpleDecimal(text);
  if (fast === fast) return fast;
  const x = +text;
  if (x !== x) return isNanText(text) ? null : undefined;
  if (x === 0) return hasDigit(text) && !isRadixLiteral(text) ? x : undefined;
  if (x === Infinity || x === -Infinity) return undefined;
  const c0 = text.charCodeAt(0);
  return (c0 === 48 || c0 <= 32) && isRadixLiteral(text) ? undefined : x;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `[+-]digits[.digits]` with at most 15 digits, else NaN (the caller falls back to `Number`). Exact:
 * the digits form an integer below 2^53 and 10^k (k <= 15) is exact, so the one division rounds
 * correctly, as `Number` does (Clinger's fast path). Several times faster than `Number` on CSV text.
 */
function simpleDecimal(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let mantissa = 0;
  let digits = 0;
  let scale = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      mantissa = mantissa * 10 + c;
      digits++;
    } else if (c === -2 /* . */ && scale < 0) {
      scale = digits;
    } else {
      return NaN;
    }
  }
  if (digits === 0 || digits > 15) return NaN;
  const x = scale < 0 || scale === digits ? mantissa : mantissa / POW10[digits - scale];
  return negative ? -x : x;
}

function isNanText(text: string): boolean {
  const s = text.length === 3 ? text : text.trim();
  return s.length === 3 && (s.charCodeAt(0) | 32) === 110 && (s.charCodeAt(1) | 32) === 97 && (s.charCodeAt(2) | 32) === 110;
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function isRadixLiteral(text: string): boolean {
  const s = text.trimStart();
  if (s.charCodeAt(0) !== 48 || s.length < 3) return false;
  const c = s.charCodeAt(1) | 32;
  return c === 120 /* x */ || c === 98 /* b */ || c === 111 /* o */;
}

// true/false, t/f, yes/no, 1/0, any case: what CSV exports of booleans look like in practice.
function boolFromText(s: string): boolean | null | undefined {
  switch (s.length) {
    case 0:
      return null;
    case 1: {
      const c = s.charCodeAt(0) | 32;
      return c === 116 /* t */ || s === '1' ? true : c === 102 /* f */ || s === '0' ? false : undefined;
    }
    case 2:
      return s.toLowerCase() === 'no' ? false : undefined;
    case 3:
      return s.toLowerCase() === 'yes' ? true : undefined;
    case 4:
      return s.toLowerCase() === 'true' ? true : undefined;
    case 5:
      return s.toLowerCase() === 'false' ? false : undefined;
    default:
      return undefined;
  }
}
