/**
 * Timestamps: every instant is UTC epoch milliseconds inside Tessera. Inputs are RFC 3339 strings
 * (with `Z` or an offset; a naive string is UTC; a date alone is midnight UTC) or epoch milliseconds.
 * Outputs are RFC 3339 with `Z` and milliseconds.
 */

/**
 * The instants Tessera takes: years 0001-9999 UTC, what a protobuf Timestamp (Feast's online values)
 * and Python's datetime hold and what RFC 3339 can write with its 4-digit year. Outside it a value is
 * no timestamp at all: it would be written back as text (`+275760-09-13...`) nothing reads again.
 */
export const MIN_TIMESTAMP_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const MAX_TIMESTAMP_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** What a timestamp may be, for error messages. */
export const TIMESTAMP_FORMS = 'RFC 3339 (e.g. 2026-11-29T10:00:00Z) or epoch milliseconds, in years 0001-9999 UTC';

/** Whether epoch ms `ms` (an integer) is inside the range Tessera takes. */
export function inTimestampRange(ms: number): boolean {
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|(+|-)HH[:]MM]. Parsed by hand, not by a regex and Date.UTC:
// sources hand us millions of timestamps and this function is most of the cost of reading them.

/**
 * Parses an RFC 3339 / ISO 8601 string (or epoch-ms digits) to epoch ms, or null when it is not one or
 * falls outside years 0001-9999 UTC. Fractions beyond ms go to the earlier millisecond (floor, before 1970 too).
 */
export function parseTimestampString(text: string): number | null {
  let s = text;
  const n0 = s.length;
  if (n0 === 0) return null;
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(n0 - 1))) s = s.trim();
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 /* - */ || s.charCodeAt(7) !== 45) return parseIntegerString(s);
  const century = digits2(s, 0);
  const yy = digits2(s, 2);
  const month = digits2(s, 5);
  const day = digits2(s, 8);
  if ((century | yy | month | day) < 0) return parseIntegerString(s);
  const year = century * 100 + yy;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let i = 10;
  if (n >= 16) {
    const sep = s.charCodeAt(10);
    if ((sep === 84 /* T */ || sep === 116 /* t */ || sep === 32) && s.charCodeAt(13) === 58 /* : */) {
      const h = digits2(s, 11);
      const m = digits2(s, 14);
      if (h >= 0 && m >= 0) {
        hour = h;
        minute = m;
        i = 16;
        if (n >= 19 && s.charCodeAt(16) === 58) {
          const sec = digits2(s, 17);
          if (sec >= 0) {
            second = sec;
            i = 19;
            const dot = i < n ? s.charCodeAt(i) : 0;
            if ((dot === 46 /* . */ || dot === 44) /* , */ && i + 1 < n && isDigit(s.charCodeAt(i + 1))) {
              i++;
              const first = i;
              while (i < n && isDigit(s.charCodeAt(i))) {
                // Digits past the third are truncated, not rounded.
                if (i - first < 3) ms = ms * 10 + (s.charCodeAt(i) - 48);
                i++;
              }
              if (i - first === 1) ms *= 100;
              else if (i - first === 2) ms *= 10;
            }
          }
        }
      }
    }
  }
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  let offset = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if ((z === 90 /* Z */ || z === 122) /* z */ && i + 1 === n) {
      // UTC
    } else if ((z === 43 /* + */ || z === 45) /* - */ && (i + 6 === n || i + 5 === n)) {
      const oh = digits2(s, i + 1);
      const colon = i + 6 === n;
      if (colon && s.charCodeAt(i + 3) !== 58) return null;
      const om = digits2(s, colon ? i + 4 : i + 3);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return null;
      offset = (oh * 60 + om) * 60_000;
      if (z === 43) offset = -offset;
    } else {
      return null;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  if (second === 60) second = 59;
  // A 4-digit year can still land outside: year 0000, or an offset across 0001-01-01 or 9999-12-31.
  const t = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms + offset;
  return t >= MIN_TIMESTAMP_MS && t <= MAX_TIMESTAMP_MS ? t : null;
}

/** The old regex's fallback: a bare integer is epoch milliseconds. */
function parseIntegerString(s: string): number | null {
  const n = s.length;
  let i = n > 0 && s.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return null;
  for (; i < n; i++) if (!isDigit(s.charCodeAt(i))) return null;
  const ms = Number(s);
  return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : null;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// Whitespace as String.prototype.trim sees it, cheaply: ASCII controls/space, then the rare Unicode ones.
function isSpace(c: number): boolean {
  return c <= 32
    ? c === 32 || (c >= 9 && c <= 13)
    : c >= 0xa0 && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff);
}

function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Parses epoch ms (number or bigint), a Date, or an RFC 3339 string, in years 0001-9999 UTC; null for anything else. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') {
    const ms = Math.floor(value);
    return ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS ? ms : null;
  }
  if (typeof value === 'string') return parseTimestampString(value);
  if (typeof value === 'bigint') return parseTimestamp(Number(value));
  if (value instanceof Date) return parseTimestamp(value.getTime());
  return null;
}

/** Epoch ms -> `2026-11-29T10:00:00.000Z`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** `YYYY-MM-DD` (UTC) of an instant: the offline store's partition. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
