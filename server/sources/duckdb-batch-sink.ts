import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import { type Field, RecordBatch, type Schema, Struct, makeData } from '../vendor/arrow.cjs';
import { ColumnBuffer, KIND_BOOL, KIND_FLOAT64, KIND_STRING, type Kind } from './column-buffer.js';
import type { SourceBatch } from './source.js';

/** DuckDB's `duckdb_string_t`: 16 bytes, the length first; up to 12 bytes are stored inline. */
const STRING_BYTES = 16;
const INLINE_MAX = 12;

/**
 * Turns chunks of `typedCsvQuery`'s result (DOUBLE numbers, BOOLEAN, VARCHAR) into the batches every
 * connector emits, with the schema of the run's `BatchBuilder`, skipping rows outside the time range.
 * Numbers are copied out of each vector whole; short strings are looked up by their raw bytes, so a
 * value seen before costs no call into DuckDB and no UTF-8 decoding.
 */
export class DuckDbBatchSink {
  private readonly buffers: ColumnBuffer[];
  private length = 0;
  private capacity: number;
  /** Inline strings by their raw bytes, kept across batches. */
  private readonly shortStrings = new InlineStrings();
  private longVectors: (DuckDBVector | null)[] = [];

  constructor(
    private readonly schema: Schema,
    private readonly kinds: readonly Kind[],
    private readonly tsIndex: number,
    private readonly range: { start: number; end: number },
    private readonly batchSize: number,
  ) {
    // Grows by doubling, as BatchBuilder does: a large batchSize costs nothing for a small file.
    this.capacity = Math.min(batchSize, 4096);
    this.buffers = kinds.map((k) => new ColumnBuffer(k, this.capacity));
  }

  /** Adds rows `[0, rows)` of `chunk` (its last column, the `bad` flag, is not read); yields each full batch. */
  *add(chunk: DuckDBDataChunk, rows: number): Generator<SourceBatch> {
    const columns = this.kinds.map((kind, k) => this.vectorValues(chunk, k, kind, rows));
    const ts = columns[this.tsIndex].numbers as Float64Array;
    const { start, end } = this.range;
    this.longVectors = this.kinds.map(() => null);
    // The chunk's rows inside the time range, then column by column (one loop per kind stays monomorphic).
    const picked = new Int32Array(rows);
    let count = 0;
    for (let i = 0; i < rows; i++) {
      const t = ts[i];
      if (t > start && t <= end) picked[count++] = i;
    }
    for (let from = 0; from < count; ) {
      const take = Math.min(count - from, this.batchSize - this.length);
      if (this.length + take > this.capacity) {
        while (this.capacity < this.length + take) this.capacity = Math.min(this.batchSize, this.capacity * 2);
        for (const b of this.buffers) b.grow(this.capacity);
      }
      for (let k = 0; k < columns.length; k++) this.copy(chunk, k, columns[k], picked.subarray(from, from + take));
      this.length += take;
      from += take;
      if (this.length === this.batchSize) yield this.emit();
    }
  }

  /** Rows `picked` of one column into its buffer, from slot `length` on. */
  private copy(chunk: DuckDBDataChunk, k: number, col: { numbers: Float64Array | Uint8Array; validity: Uint8Array | null }, picked: Int32Array): void {
    const buf = this.buffers[k];
    const base = this.length;
    const validity = col.validity;
    const n = picked.length;
    for (let j = 0; j < n; j++) {
      const i = picked[j];
      if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) buf.setNull(base + j);
      else buf.setValid(base + j);
    }
    const valid = (i: number) => validity === null || ((validity[i >> 3] >> (i & 7)) & 1) === 1;
    switch (buf.kind) {
      case KIND_FLOAT64: {
        const values = col.numbers as Float64Array;
        const f64 = buf.f64;
        for (let j = 0; j < n; j++) if (valid(picked[j])) f64[base + j] = values[picked[j]];
        break;
      }
      case KIND_BOOL: {
        const values = col.numbers as Uint8Array;
        for (let j = 0; j < n; j++) if (valid(picked[j])) buf.setBool(base + j, values[picked[j]] !== 0);
        break;
      }
      case KIND_STRING: {
        const raw = col.numbers as Uint8Array;
        const words = new Int32Array(raw.buffer, 0, raw.byteLength >> 2);
        for (let j = 0; j < n; j++) if (valid(picked[j])) buf.setString(base + j, this.stringAt(chunk, k, raw, words, picked[j]));
        break;
      }
      default: {
        const values = col.numbers as Float64Array;
        for (let j = 0; j < n; j++) if (valid(picked[j])) buf.setInt64(base + j, values[picked[j]]);
      }
    }
  }

  /** The rows held so far, or null. */
  flush(): SourceBatch | null {
    return this.length > 0 ? this.emit() : null;
  }

  private vectorValues(chunk: DuckDBDataChunk, k: number, kind: Kind, rows: number): { numbers: Float64Array | Uint8Array; validity: Uint8Array | null } {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, k);
    const width = kind === KIND_BOOL ? 1 : kind === KIND_STRING ? STRING_BYTES : 8;
    // Copied: the chunk's memory goes back to DuckDB on the next fetch, and a copy is 8-byte aligned.
    const bytes = duckdb.vector_get_data(vector, rows * width).slice();
    const validity = duckdb.vector_get_validity(vector, ((rows + 63) >> 6) * 8);
    return { numbers: width === 8 ? new Float64Array(bytes.buffer, 0, rows) : bytes, validity: validity && validity.length > 0 ? validity : null };
  }

  private stringAt(chunk: DuckDBDataChunk, k: number, raw: Uint8Array, words: Int32Array, i: number): string {
    const w = i * 4;
    const length = words[w];
    if (length > INLINE_MAX) {
      this.longVectors[k] ??= chunk.getColumnVector(k);
      return this.longVectors[k].getItem(i) as string;
    }
    return (
      this.shortStrings.lookup(words[w], words[w + 1], words[w + 2], words[w + 3]) ??
      this.shortStrings.insert(words, w, Buffer.from(raw.buffer, raw.byteOffset + i * STRING_BYTES + 4, length).toString('utf8'))
    );
  }

  private emit(): SourceBatch {
    const length = this.length;
    const fields = this.schema.fields as Field[];
    const children = this.buffers.map((b, i) => b.toData(fields[i].type, length));
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
    this.length = 0;
    for (const b of this.buffers) b.reset(this.capacity);
    return { batch, rejects: [] };
  }
}

const SLOTS = 1 << 14;

/**
 * Decoded strings keyed by DuckDB's 16 inline bytes (length + up to 12 bytes of text), in an open
 * addressing table of int32 words: a value seen before costs four integer compares, no allocation.
 * Equal keys mean equal bytes, so equal text; the table starts afresh when half full.
 */
class InlineStrings {
  private readonly keys = new Int32Array(SLOTS * 4);
  private texts: (string | undefined)[] = new Array(SLOTS);
  private used = 0;

  lookup(a: number, b: number, c: number, d: number): string | undefined {
    for (let slot = hash(a, b, c, d); ; slot = (slot + 1) & (SLOTS - 1)) {
      const text = this.texts[slot];
      if (text === undefined) return undefined;
      const at = slot * 4;
      const keys = this.keys;
      if (keys[at] === a && keys[at + 1] === b && keys[at + 2] === c && keys[at + 3] === d) return text;
    }
  }

  insert(words: Int32Array, w: number, text: string): string {
    if (this.used >= SLOTS / 2) {
      this.texts = new Array(SLOTS);
      this.used = 0;
    }
    const [a, b, c, d] = [words[w], words[w + 1], words[w + 2], words[w + 3]];
    let slot = hash(a, b, c, d);
    while (this.texts[slot] !== undefined) slot = (slot + 1) & (SLOTS - 1);
    this.keys.set([a, b, c, d], slot * 4);
    this.texts[slot] = text;
    this.used++;
    return text;
  }
}

function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ c, 0x85ebca6b);
  h = Math.imul(h ^ d, 0xc2b2ae35);
  return (h ^ (h >>> 15)) & (SLOTS - 1);
}
