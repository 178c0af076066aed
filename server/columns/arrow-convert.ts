import * as arrow from '../vendor/arrow.cjs';
import type { FeatureType } from '../domain/value-type.js';
import { type Column, type StringColumn, numericColumn, stringColumn, stringColumnFrom } from './column.js';

const TWO_32 = 4294967296;

function isValid(bitmap: Uint8Array | null | undefined, offset: number, i: number): boolean {
  if (!bitmap) return true;
  const j = offset + i;
  return (bitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

/** Arrow vector -> Tessera column (numeric with NaN for null, or dictionary-encoded strings). */
export function columnFromArrow(vector: arrow.Vector): Column {
  const n = vector.length;
  const type = vector.type;
  if (arrow.DataType.isDictionary(type) || arrow.DataType.isUtf8(type) || arrow.DataType.isLargeUtf8(type)) return stringFromArrow(vector);
  const out = new Float64Array(n);
  let at = 0;
  for (const data of vector.data) {
    const { offset, length } = data;
    if (arrow.DataType.isFloat(type) || (arrow.DataType.isInt(type) && (type as arrow.Int).bitWidth <= 32)) {
      out.set((data.values as Float64Array).subarray(offset, offset + length), at);
    } else if (arrow.DataType.isInt(type) || arrow.DataType.isTimestamp(type) || arrow.DataType.isDate(type)) {
      const wide = data.values.BYTES_PER_ELEMENT === 8;
      const words = new Int32Array(data.values.buffer, data.values.byteOffset, data.values.length * (wide ? 2 : 1));
      const scale = timestampScale(type);
      if (wide) {
        if (scale === 1 && arrow.DataType.isInt(type) && hasWideInt64(words, offset, length)) return wideInt64Column(vector);
        for (let i = 0, w = 2 * offset; i < length; i++, w += 2) {
          const hi = words[w + 1];
          const lo = words[w] >>> 0;
          out[at + i] = scale === 1 ? hi * TWO_32 + lo : Math.floor((hi * TWO_32 + lo) * scale);
        }
      } else {
        for (let i = 0; i < length; i++) out[at + i] = words[offset + i] * scale;
      }
    } else if (arrow.DataType.isBool(type)) {
      for (let i = 0; i < length; i++) out[at + i] = isValid(data.values as Uint8Array, offset, i) ? 1 : 0;
    } else {
      throw new Error(`cannot convert Arrow type ${String(type)} to a column`);
    }
    // Nulls last: whatever an Arrow null slot holds, it becomes NaN.
    if (data.nullCount > 0 && data.nullBitmap) markNulls(out, at, data.nullBitmap, offset, length);
    at += length;
  }
  return numericColumn(out);
}

/** Whether an int64 chunk holds a value a double cannot hold exactly (|x| >= 2^53). */
function hasWideInt64(words: Int32Array, offset: number, length: number): boolean {
  for (let i = 0, w = 2 * offset + 1; i < length; i++, w += 2) {
    const hi = words[w];
    if (hi >= 0x200000 || hi < -0x200000) return true;
  }
  return false;
}

/**
 * An int64 column with a value beyond 2^53 becomes decimal text, as wide join keys already travel
 * from /push: a string column keeps every digit through takes, concatenation and latest-row picks,
 * and the writers turn it back into int64 (`arrowFromColumn`, the online stores' key binding).
 */
function wideInt64Column(vector: arrow.Vector): Column {
  const values: (string | null)[] = new Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const ints = data.values as BigInt64Array;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
    for (let i = 0; i < data.length; i++) values[at + i] = isValid(bitmap, data.offset, i) ? String(ints[data.offset + i]) : null;
    at += data.length;
  }
  return stringColumnFrom(values);
}

/** An int64 column held as decimal text (beyond 2^53) -> numbers, rounded: for transforms and statistics. */
export function approxNumeric(column: Column): Column {
  if (column.kind === 'numeric') return column;
  const values = new Float64Array(column.codes.length);
  const parsed = column.dictionary.map(Number);
  for (let i = 0; i < values.length; i++) values[i] = column.codes[i] < 0 ? NaN : parsed[column.codes[i]];
  return numericColumn(values);
}

/** Sets NaN where the validity bitmap has a 0, skipping whole bytes of valid values. */
function markNulls(out: Float64Array, at: number, bitmap: Uint8Array, offset: number, length: number): void {
  for (let i = 0; i < length; ) {
    const j = offset + i;
    if ((j & 7) === 0 && i + 8 <= length && bitmap[j >> 3] === 0xff) {
      i += 8;
      continue;
    }
    if ((bitmap[j >> 3] & (1 << (j & 7))) === 0) out[at + i] = NaN;
    i++;
  }
}

/** Multiplier from the Arrow unit to milliseconds. */
function timestampScale(type: arrow.DataType): number {
  if (arrow.DataType.isTimestamp(type)) {
    return [1000, 1, 1e-3, 1e-6][(type as arrow.Timestamp).unit];
  }
  if (arrow.DataType.isDate(type)) return (type as arrow.Date_).unit === arrow.DateUnit.DAY ? 86_400_000 : 1;
  return 1;
}

function stringFromArrow(vector: arrow.Vector): Column {
  if (arrow.DataType.isDictionary(vector.type) && vector.data.length === 1) {
    const data = vector.data[0];
    // A dictionary may repeat a value: re-encoding it keeps the column's entries unique.
    const { codes: remap, dictionary } = stringColumnFrom((data.dictionary?.toArray() ?? []) as string[]);
    const indices = data.values as Int32Array;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
    const codes = new Int32Array(vector.length);
    for (let i = 0; i < codes.length; i++) codes[i] = isValid(bitmap, data.offset, i) ? remap[indices[data.offset + i]] : -1;
    return stringColumn(codes, dictionary);
  }
  return stringColumnFrom(vector.toArray() as (string | null)[]);
}

function nullBitmapFromNaN(values: Float64Array): { bitmap: Uint8Array | undefined; nulls: number } {
  let nulls = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === values[i]) bitmap[i >> 3] |= 1 << (i & 7);
    else nulls++;
  }
  return { bitmap: nulls === 0 ? undefined : bitmap, nulls };
}

/** Arrow type of a logical type, as the offline store writes it. */
export function arrowType(type: FeatureType | 'timestamp'): arrow.DataType {
  switch (type) {
    case 'float64':
      return new arrow.Float64();
    case 'int64':
      return new arrow.Int64();
    case 'bool':
      return new arrow.Bool();
    case 'string':
      return new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
    case 'timestamp':
      return new arrow.TimestampMillisecond('UTC');
  }
}

/**
 * Tessera column -> Arrow data of the given logical type. Batches that go into one table must share
 * their dictionary types (Arrow identifies dictionaries by id): pass the same `dictionaryType` each time.
 */
export function arrowFromColumn(column: Column, type: FeatureType | 'timestamp', dictionaryType?: arrow.Dictionary<arrow.Utf8, arrow.Int32>): arrow.Data {
  if (column.kind === 'string' && type === 'int64') return int64FromText(column);
  if (column.kind === 'string') {
    if (type !== 'string') throw new Error(`a string column cannot be written as ${type}`);
    const n = column.codes.length;
    const bitmap = new Uint8Array((n + 7) >> 3);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (column.codes[i] >= 0) bitmap[i >> 3] |= 1 << (i & 7);
      else nulls++;
    }
    const dictionary = arrow.vectorFromArray(column.dictionary as string[], new arrow.Utf8());
    const codes = nulls === 0 ? column.codes : column.codes.map((c) => Math.max(c, 0));
    return arrow.makeData({
      type: dictionaryType ?? (arrowType('string') as arrow.Dictionary<arrow.Utf8, arrow.Int32>),
      length: n,
      nullCount: nulls,
      nullBitmap: nulls ? bitmap : undefined,
      data: codes,
      dictionary,
    });
  }
  const values = column.values;
  const n = values.length;
  const { bitmap, nulls } = nullBitmapFromNaN(values);
  switch (type) {
    case 'float64':
      return arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: nulls, nullBitmap: bitmap, data: values });
    case 'int64':
    case 'timestamp': {
      const wide = new BigInt64Array(n);
      const words = new Int32Array(wide.buffer);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v !== v) continue;
        if (v >= 0 && v < TWO_32) {
          // The common case (counts, codes, one-hot 0/1): the high word stays 0.
          words[2 * i] = v;
          continue;
        }
        const hi = Math.floor(v / TWO_32);
        words[2 * i] = v - hi * TWO_32;
        words[2 * i + 1] = hi;
      }
      const t = type === 'int64' ? new arrow.Int64() : new arrow.TimestampMillisecond('UTC');
      return arrow.makeData({ type: t as arrow.Int64, length: n, nullCount: nulls, nullBitmap: bitmap, data: wide });
    }
    case 'bool': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (values[i] === 1) bits[i >> 3] |= 1 << (i & 7);
      return arrow.makeData({ type: new arrow.Bool(), length: n, nullCount: nulls, nullBitmap: bitmap, data: bits });
    }
    case 'string':
      throw new Error('a numeric column cannot be written as string');
  }
}

/** An int64 column held as decimal text (values beyond 2^53) -> exact Arrow int64. */
function int64FromText(column: StringColumn): arrow.Data {
  const n = column.codes.length;
  const exact = column.dictionary.map((v) => BigInt(v));
  const wide = new BigInt64Array(n);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const c = column.codes[i];
    if (c < 0) nulls++;
    else {
      wide[i] = exact[c];
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : undefined, data: wide });
}
