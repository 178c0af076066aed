/**
 * A page's PLAIN values, written straight into the file's buffer when it is assembled: the size is
 * known from the null count, so no values are copied into arrays of their own first. Each such array
 * was fresh memory, and on this machine (a VM that hands freed memory back to its host) touching
 * fresh pages cost more than the copy: most of the encoder thread's time went to page faults.
 */
export interface WrittenPart {
  /** Bytes it takes in the file. */
  length: number;
  /** Writes them at `at` in `out`. */
  write(out: Uint8Array, at: number): void;
}

/** Bytes that are ready (headers, levels, strings), or values written when the file is. */
export type Part = Uint8Array | WrittenPart;

const isSet = (valid: Uint8Array, i: number): boolean => (valid[i >> 3] & (1 << (i & 7))) !== 0;

/**
 * Non-null 8-byte values (float64 or int64): without nulls, the column's own bytes; else each run of
 * non-null rows copied as bytes (never read as doubles: an int64's bits could be a NaN, rewritten).
 */
export function plainFixed8(data: Float64Array | BigInt64Array, valid: Uint8Array | null, nulls: number): Part {
  const n = data.length;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, n * 8);
  if (nulls === 0 || valid === null) return bytes;
  return {
    length: 8 * (n - nulls),
    write(out, at) {
      for (let i = 0; i < n; ) {
        if (!isSet(valid, i)) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < n && isSet(valid, j)) j++;
        out.set(bytes.subarray(8 * i, 8 * j), at);
        at += 8 * (j - i);
        i = j;
      }
    },
  };
}

/** An integral millisecond count as int64 little-endian, at `at` (exact below 2^53). */
function putMillis(view: DataView, at: number, ms: number): void {
  const high = Math.floor(ms / 0x1_0000_0000);
  view.setUint32(at, ms - high * 0x1_0000_0000, true);
  view.setUint32(at + 4, high >>> 0, true);
}

/** Non-null times (milliseconds held as doubles) as PLAIN int64 values. */
export function plainMillis(ms: Float64Array, valid: Uint8Array | null, nulls: number): Part {
  const n = ms.length;
  return {
    length: 8 * (n - (valid === null ? 0 : nulls)),
    write(out, at) {
      const view = new DataView(out.buffer, out.byteOffset, out.length);
      for (let i = 0; i < n; i++) {
        if (valid !== null && nulls > 0 && !isSet(valid, i)) continue;
        putMillis(view, at, ms[i]);
        at += 8;
      }
    },
  };
}

/** Min and max of the non-null times, as int64 little-endian bytes (the footer's statistics); null without values. */
export function millisRange(ms: Float64Array, valid: Uint8Array | null): [Uint8Array, Uint8Array] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ms.length; i++) {
    if (valid !== null && !isSet(valid, i)) continue;
    const v = ms[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return null;
  const bytes = (v: number) => {
    const out = new Uint8Array(8);
    putMillis(new DataView(out.buffer), 0, v);
    return out;
  };
  return [bytes(lo), bytes(hi)];
}
