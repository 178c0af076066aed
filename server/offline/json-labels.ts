import * as arrow from '../vendor/arrow.cjs';
import { isValid } from './arrow-valid.js';

// The JSON form of label types only uploads bring (DECIMAL, DATE, TIME, UUID), as JSON text per value:
// docs/semantics.md, Point-in-time join.

const DAY_MS = 86_400_000;

/**
 * A decimal's exact digits with its scale (`1.50`, `-0.05`), as a JSON number: the text CSV gives, and
 * every digit of a DECIMAL(38, s) kept, as int64s keep theirs (docs/semantics.md, Point-in-time join).
 * Arrow holds the unscaled integer in 32-bit words, least significant first, two's complement.
 */
export function decimals(data: arrow.Data, type: arrow.Decimal): string[] {
  const words = data.values as Uint32Array;
  const stride = type.bitWidth / 32;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      out[i] = 'null';
      continue;
    }
    let unscaled = 0n;
    for (let w = stride - 1; w >= 0; w--) unscaled = (unscaled << 32n) | BigInt(words[i * stride + w]);
    if (words[i * stride + stride - 1] & 0x80000000) unscaled -= 1n << BigInt(type.bitWidth);
    out[i] = decimalText(unscaled, type.scale);
  }
  return out;
}

/** `unscaled * 10^-scale` in positional notation, with `scale` fraction digits. */
function decimalText(unscaled: bigint, scale: number): string {
  const sign = unscaled < 0n ? '-' : '';
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString();
  if (scale <= 0) return `${sign}${digits}${'0'.repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** A DATE as `"YYYY-MM-DD"` (a calendar day has no time zone to put it at an instant); years beyond 0000-9999 as ±YYYYYY, as Date writes them. */
export function dates(data: arrow.Data, unit: arrow.DateUnit): string[] {
  const values = data.values as ArrayLike<number | bigint>;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = isValid(data, i) ? `"${civilDate(unit === arrow.DateUnit.DAY ? Number(values[i]) : Math.floor(Number(values[i]) / DAY_MS))}"` : 'null';
  }
  return out;
}

/**
 * Days since 1970-01-01 -> proleptic Gregorian `YYYY-MM-DD`, by Howard Hinnant's days_from_civil
 * inverse: exact over DuckDB's whole DATE range, where `Date` stops at ±100,000,000 days.
 */
function civilDate(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A TIME as `"HH:MM:SS"`, with the unit's fraction digits (`.ffffff` for DuckDB's microseconds) when not zero. */
export function times(data: arrow.Data, unit: arrow.TimeUnit): string[] {
  const values = data.values as ArrayLike<number | bigint>;
  const digits = [0, 3, 6, 9][unit];
  const perSecond = 10 ** digits;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      out[i] = 'null';
      continue;
    }
    // A day in nanoseconds (8.64e13) is a safe integer.
    const v = Number(values[i]);
    const seconds = Math.floor(v / perSecond);
    const fraction = v - seconds * perSecond;
    const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');
    out[i] = `"${hms}${fraction ? `.${String(fraction).padStart(digits, '0')}` : ''}"`;
  }
  return out;
}

/** A UUID's canonical text: lower-case hex, 8-4-4-4-12. */
export function uuids(data: arrow.Data): string[] {
  const bytes = data.values as Uint8Array;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    if (!isValid(data, i)) {
      out[i] = 'null';
      continue;
    }
    const hex = Buffer.from(bytes.buffer, bytes.byteOffset + i * 16, 16).toString('hex');
    out[i] = `"${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}"`;
  }
  return out;
}
