import type { Part } from './parquet-values.js';
import { ThriftWriter } from './thrift-compact.js';

/** Parquet's enums, as the format's Thrift definition numbers them. */
export const PARQUET = {
  type: { BOOLEAN: 0, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 },
  encoding: { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 },
  page: { DATA: 0, DICTIONARY: 2 },
} as const;

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x >>= 1) n += x & 1;
  return n;
});

/** Null rows in an Arrow validity bitmap of `n` rows (bits past `n` are ignored). */
export function countNulls(valid: Uint8Array, n: number): number {
  let set = 0;
  const whole = n >> 3;
  for (let i = 0; i < whole; i++) set += POPCOUNT[valid[i]];
  if (n & 7) set += POPCOUNT[valid[whole] & ((1 << (n & 7)) - 1)];
  return n - set;
}

function varint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
}

/**
 * Definition levels of an optional column (max level 1), length-prefixed RLE/bit-packed hybrid: one
 * run of 1s without nulls; else the validity bitmap itself, which is bit-packing at width 1 (LSB
 * first, eight rows a byte).
 */
export function definitionLevels(valid: Uint8Array | null, n: number, nulls: number): Uint8Array {
  const head: number[] = [];
  if (nulls === 0 || valid === null) {
    varint(head, n * 2);
    head.push(1);
  } else varint(head, (((n + 7) >> 3) << 1) | 1);
  const body = nulls === 0 || valid === null ? 0 : (n + 7) >> 3;
  const out = new Uint8Array(4 + head.length + body);
  new DataView(out.buffer).setUint32(0, head.length + body, true);
  out.set(head, 4);
  if (body) out.set(valid!.subarray(0, body), 4 + head.length);
  return out;
}

/** Dictionary indices: bit width byte, then RLE runs (statuses come in long runs). */
export function dictionaryIndices(codes: Int8Array | null, n: number, bitWidth: number): Uint8Array {
  const out: number[] = [bitWidth];
  if (codes === null) {
    varint(out, n * 2);
    out.push(0);
    return Uint8Array.from(out);
  }
  for (let i = 0; i < n; ) {
    const code = codes[i];
    let j = i + 1;
    while (j < n && codes[j] === code) j++;
    varint(out, (j - i) * 2);
    out.push(code);
    i = j;
  }
  return Uint8Array.from(out);
}

/** PLAIN byte arrays: a 4-byte length before each value's UTF-8 bytes; nulls are left out. */
export function plainStrings(values: readonly (string | null)[]): Uint8Array {
  let size = 0;
  for (const v of values) if (v !== null) size += 4 + Buffer.byteLength(v);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const v of values) {
    if (v === null) continue;
    const length = out.write(v, at + 4, 'utf8');
    out.writeUInt32LE(length, at);
    at += 4 + length;
  }
  return out;
}

/** Non-null booleans, bit-packed LSB first. */
export function plainBooleans(data: Uint8Array, valid: Uint8Array, n: number, nulls: number): Uint8Array {
  const out = new Uint8Array((n - nulls + 7) >> 3);
  for (let i = 0, k = 0; i < n; i++) {
    if (!(valid[i >> 3] & (1 << (i & 7)))) continue;
    if (data[i]) out[k >> 3] |= 1 << (k & 7);
    k++;
  }
  return out;
}

/** A page: its Thrift header, then its (uncompressed) body parts. */
export function page(kind: 'data' | 'dictionary', values: number, encoding: number, parts: Part[]): Part[] {
  let size = 0;
  for (const p of parts) size += p.length;
  const w = new ThriftWriter();
  w.inStruct(() => {
    w.i32(1, kind === 'data' ? PARQUET.page.DATA : PARQUET.page.DICTIONARY);
    w.i32(2, size);
    w.i32(3, size);
    if (kind === 'data') {
      w.struct(5, () => {
        w.i32(1, values);
        w.i32(2, encoding);
        w.i32(3, PARQUET.encoding.RLE);
        w.i32(4, PARQUET.encoding.RLE);
      });
    } else {
      w.struct(7, () => {
        w.i32(1, values);
        w.i32(2, PARQUET.encoding.PLAIN);
      });
    }
  });
  return [w.take(), ...parts];
}
