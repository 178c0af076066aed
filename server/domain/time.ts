/**
 * Timestamps: every instant is UTC epoch milliseconds inside Tessera. Inputs are RFC 3339 strings
 * (with `Z` or an offset; a naive string is UTC; a date alone is midnight UTC) or epoch milliseconds.
 * Outputs are RFC 3339 with `Z` and milliseconds.
 */

// YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|(+|-)HH[:]MM]
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses an RFC 3339 / ISO 8601 string to epoch ms, or null when it is not one. Fractions beyond ms are truncated. */
export function parseTimestampString(text: string): number | null {
  const m = RFC3339.exec(text.trim());
  if (m === null) {
    return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : null;
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) return null;
  let t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  if (m[9] !== undefined) {
    const offsetHours = Number(m[10]);
    const offsetMinutes = Number(m[11]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    t += m[9] === '+' ? -offset : offset;
  }
  return t;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Largest epoch ms JavaScript dates hold; beyond it a value is not a timestamp. */
const MAX_MS = 8.64e15;

/** Parses epoch ms (number or bigint), a Date, or an RFC 3339 string; null for anything else. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_MS ? Math.trunc(value) : null;
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
