import duckdb from '@duckdb/node-bindings';
import type { DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import { type Field, RecordBatch, type Schema, Struct, makeData } from 'apache-arrow';
import { ColumnBuffer, KIND_BOOL, KIND_FLOAT64, KIND_STRING, type Kind } from './column-buffer.js';
import type { SourceBatch } from './source.js';

/** DuckDB's `duckdb_string_t`: 16 bytes, the length first; up to 12 bytes are stored inline. */
const STRING_BYTES = 16;
const INLINE_MAX = 12;
const MAX_CACHED = 65_536;

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
  /** Raw inline bytes (as latin1 text) -> the decoded string, kept across batches (bounded). */
  private readonly shortStrings = new Map<string, string>();
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
    for (let i = 0; i < rows; i++) {
      const t = ts[i];
      if (t <= start || t > end) continue;
      const slot = this.length;
      if (slot === this.capacity) {
        this.capacity = Math.min(this.batchSize, this.capacity * 2);
        for (const b of this.buffers) b.grow(this.capacity);
      }
      for (let k = 0; k < columns.length; k++) {
        const buf = this.buffers[k];
        const col = columns[k];
        if (col.validity !== null && ((col.validity[i >> 3] >> (i & 7)) & 1) === 0) {
          buf.setNull(slot);
          continue;
        }
        buf.setValid(slot);
        switch (buf.kind) {
          case KIND_FLOAT64:
            buf.f64[slot] = (col.numbers as Float64Array)[i];
            break;
          case KIND_BOOL:
            buf.setBool(slot, (col.numbers as Uint8Array)[i] !== 0);
            break;
          case KIND_STRING:
            buf.setString(slot, this.stringAt(chunk, k, col.numbers as Uint8Array, i));
            break;
          default:
            buf.setInt64(slot, (col.numbers as Float64Array)[i]);
        }
      }
      this.length = slot + 1;
      if (this.length === this.batchSize) yield this.emit();
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

  private stringAt(chunk: DuckDBDataChunk, k: number, raw: Uint8Array, i: number): string {
    const at = i * STRING_BYTES;
    const length = raw[at] | (raw[at + 1] << 8) | (raw[at + 2] << 16) | (raw[at + 3] << 24);
    if (length > INLINE_MAX) {
      this.longVectors[k] ??= chunk.getColumnVector(k);
      return this.longVectors[k].getItem(i) as string;
    }
    const bytes = Buffer.from(raw.buffer, raw.byteOffset + at + 4, length);
    const key = bytes.toString('latin1');
    let text = this.shortStrings.get(key);
    if (text === undefined) {
      text = bytes.toString('utf8');
      // Many distinct short values (ids as text) would grow the cache without end: start it afresh.
      if (this.shortStrings.size >= MAX_CACHED) this.shortStrings.clear();
      this.shortStrings.set(key, text);
    }
    return text;
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
