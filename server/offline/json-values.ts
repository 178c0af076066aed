import { isAscii } from 'node:buffer';
import * as arrow from '../vendor/arrow.cjs';
import { isValid } from './arrow-valid.js';
import { dates, decimals, times, uuids } from './json-labels.js';

const TWO_32 = 4294967296;
const DAY_MS = 86_400_000;

/**
 * The JSON text of one Arrow chunk's values, comma-separated. The hot types are written without a
 * string per value: timestamps and 64-bit integers as ASCII bytes straight into a buffer, UTF-8 cut
 * from one decoded buffer. `Vector.get` would make a BigInt, a Date or a decoded string per value,
 * and a 1M-row answer has ten million values.
 */
export class JsonValues {
  /** `"YYYY-MM-DDT` as bytes, per UTC day: rows of one day share it. */
  private readonly days = new Map<number, Uint8Array>();
  private bytes = new Uint8Array(1 << 16);

  format(data: arrow.Data): string {
    const type = data.type;
    if (arrow.DataType.isTimestamp(type)) return this.timestamps(data, [1e-3, 1, 1e3, 1e6][(type as arrow.Timestamp).unit]);
    if (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth === 64) return this.int64s(data, (type as arrow.Int).isSigned);
    if (arrow.DataType.isInt(type) || arrow.DataType.isFloat(type)) return numbers(data).join(',');
    if (arrow.DataType.isUtf8(type)) return strings(data).join(',');
    if (arrow.DataType.isDecimal(type)) return decimals(data, type as arrow.Decimal).join(',');
    if (arrow.DataType.isDate(type)) return dates(data, (type as arrow.Date_).unit).join(',');
    if (arrow.DataType.isTime(type)) return times(data, (type as arrow.Time).unit).join(',');
    // DuckDB writes a UUID as FIXED_LEN_BYTE_ARRAY(16), and a BLOB (a fixed-size one uploaded too) as
    // BYTE_ARRAY: in a result file, 16 fixed bytes are a UUID.
    if (arrow.DataType.isFixedSizeBinary(type) && (type as arrow.FixedSizeBinary).byteWidth === 16) return uuids(data).join(',');
    const vector = arrow.makeVector(data);
    const out = new Array<string>(data.length);
    for (let i = 0; i < data.length; i++) out[i] = JSON.stringify(toJson(vector.get(i))) ?? 'null';
    return out.join(',');
  }

  private room(size: number): Uint8Array {
    if (this.bytes.length < size) this.bytes = new Uint8Array(size * 2);
    return this.bytes;
  }

  /** RFC 3339 with Z and milliseconds, as `Date.toISOString` writes it. */
  private timestamps(data: arrow.Data, perMs: number): string {
    const words = int32Words(data);
    const out = this.room(data.length * 27);
    let at = 0;
    for (let i = 0; i < data.length; i++) {
      if (i > 0) out[at++] = COMMA;
      if (!isValid(data, i)) {
        at = writeAscii(out, at, 'null');
        continue;
      }
      const ms = Math.floor((words[2 * i + 1] * TWO_32 + (words[2 * i] >>> 0)) / perMs);
      const day = Math.floor(ms / DAY_MS);
      let prefix = this.days.get(day);
      if (prefix === undefined) {
        const text = new Date(day * DAY_MS).toISOString();
        // Years outside 0000-9999 have a longer, signed form: leave those to Date.
        if (text.length !== 24) {
          at = writeAscii(out, at, `"${new Date(ms).toISOString()}"`);
          continue;
        }
        prefix = Buffer.from(`"${text.slice(0, 11)}`, 'latin1');
        this.days.set(day, prefix);
      }
      out.set(prefix, at);
      at += 12;
      let rest = ms - day * DAY_MS;
      at = two(out, at, Math.floor(rest / 3_600_000), COLON);
      rest %= 3_600_000;
      at = two(out, at, Math.floor(rest / 60_000), COLON);
      rest %= 60_000;
      at = two(out, at, Math.floor(rest / 1000), DOT);
      rest %= 1000;
      out[at++] = 48 + Math.floor(rest / 100);
      out[at++] = 48 + (Math.floor(rest / 10) % 10);
      out[at++] = 48 + (rest % 10);
      out[at++] = 90; // Z
      out[at++] = QUOTE;
    }
    return Buffer.from(out.buffer, out.byteOffset, at).toString('latin1');
  }

  /** All the digits: values beyond 2^53 are written exactly, as JSON allows. */
  private int64s(data: arrow.Data, signed: boolean): string {
    const words = int32Words(data);
    const values = data.values as BigInt64Array | BigUint64Array;
    const out = this.room(data.length * 21);
    let at = 0;
    for (let i = 0; i < data.length; i++) {
      if (i > 0) out[at++] = COMMA;
      const hi = signed ? words[2 * i + 1] : words[2 * i + 1] >>> 0;
      if (!isValid(data, i)) at = writeAscii(out, at, 'null');
      else if (hi >= -0x200000 && hi < 0x200000) at = writeInteger(out, at, hi * TWO_32 + (words[2 * i] >>> 0));
      else at = writeAscii(out, at, String(values[i]));
    }
    return Buffer.from(out.buffer, out.byteOffset, at).toString('latin1');
  }
}

const COMMA = 44;
const COLON = 58;
const DOT = 46;
const QUOTE = 34;

function two(out: Uint8Array, at: number, n: number, then: number): number {
  out[at] = 48 + Math.floor(n / 10);
  out[at + 1] = 48 + (n % 10);
  out[at + 2] = then;
  return at + 3;
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** A safe integer's decimal digits. */
function writeInteger(out: Uint8Array, at: number, n: number): number {
  if (n < 0) {
    out[at++] = 45; // -
    n = -n;
  }
  let digits = 1;
  for (let p = 10; p <= n && digits < 16; p *= 10) digits++;
  if (n >= 1e16) digits = String(n).length;
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return at + digits;
}

/**
 * The chunk's 64-bit values as pairs of 32-bit words (low, high). Arrow JS slices value and offset
 * buffers with the data (index 0 is the first row) but not the validity bitmap (`offset + i`).
 */
function int32Words(data: arrow.Data): Int32Array {
  const values = data.values as BigInt64Array;
  return new Int32Array(values.buffer, values.byteOffset, data.length * 2);
}

/** NaN and infinities are not JSON: null. */
function numbers(data: arrow.Data): string[] {
  const values = data.values as ArrayLike<number>;
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = values[i];
    out[i] = isValid(data, i) && Number.isFinite(v) ? String(v) : 'null';
  }
  return out;
}

/** ASCII text is decoded once per chunk and cut by offsets; other text value by value. */
function strings(data: arrow.Data): string[] {
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const start = offsets[0];
  const end = offsets[data.length];
  const slice = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  const out = new Array<string>(data.length);
  if (isAscii(slice)) {
    const text = slice.toString('latin1');
    for (let i = 0; i < data.length; i++) out[i] = isValid(data, i) ? JSON.stringify(text.slice(offsets[i] - start, offsets[i + 1] - start)) : 'null';
    return out;
  }
  for (let i = 0; i < data.length; i++) {
    out[i] = isValid(data, i) ? JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset + offsets[i], offsets[i + 1] - offsets[i]).toString('utf8')) : 'null';
  }
  return out;
}

/** Values Arrow hands back that JSON.stringify cannot take as they are. */
function toJson(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') return toJson(value.toJSON());
  if (typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)].map(toJson);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}
