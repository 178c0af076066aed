import duckdb from '@duckdb/node-bindings';
import { DOUBLE, type DuckDBAppender, DuckDBDataChunk, type DuckDBType, INTEGER, VARCHAR } from '@duckdb/node-api';

/** How a staged column travels into DuckDB: numbers (NaN = null), int32 codes, or strings. */
export type StageKind = 'double' | 'integer' | 'varchar';

/** One column of rows to append: a typed array, or dictionary-coded strings (code -1 = null). */
export type StageData = Float64Array | Int32Array | { codes: Int32Array; dictionary: readonly string[] };

const TYPES: Record<StageKind, DuckDBType> = { double: DOUBLE, integer: INTEGER, varchar: VARCHAR };

/**
 * Appends columns to a DuckDB table through its appender, one data chunk per DuckDB vector of rows.
 * Numbers and codes are copied into each vector in one call (no value goes through JS one by one);
 * strings are assigned per row. DOUBLE columns keep NaN (the in-memory null): the SQL reading the
 * table turns it into NULL.
 */
export class ChunkAppender {
  private readonly chunk: DuckDBDataChunk;
  private readonly size = duckdb.vector_size();
  private readonly validity: Uint8Array;

  constructor(
    private readonly appender: DuckDBAppender,
    private readonly kinds: readonly StageKind[],
  ) {
    this.chunk = DuckDBDataChunk.create(kinds.map((k) => TYPES[k]));
    this.validity = new Uint8Array(Math.ceil(this.size / 64) * 8);
  }

  append(columns: readonly StageData[], length: number): void {
    if (columns.length !== this.kinds.length) throw new Error(`expected ${this.kinds.length} columns, got ${columns.length}`);
    for (let at = 0; at < length; at += this.size) {
      const n = Math.min(this.size, length - at);
      this.chunk.reset();
      for (let k = 0; k < columns.length; k++) {
        const vector = duckdb.data_chunk_get_vector(this.chunk.chunk, k);
        const data = columns[k];
        if (data instanceof Float64Array || data instanceof Int32Array) {
          duckdb.copy_data_to_vector(vector, 0, data.buffer as ArrayBuffer, data.byteOffset + at * data.BYTES_PER_ELEMENT, n * data.BYTES_PER_ELEMENT);
        } else {
          this.strings(vector, data, at, n);
        }
      }
      duckdb.data_chunk_set_size(this.chunk.chunk, n);
      this.appender.appendDataChunk(this.chunk);
    }
  }

  /** Makes every row appended so far visible to queries on the table. */
  flush(): void {
    this.appender.flushSync();
  }

  close(): void {
    this.appender.flushSync();
    this.appender.closeSync();
  }

  private strings(vector: duckdb.Vector, data: { codes: Int32Array; dictionary: readonly string[] }, at: number, n: number): void {
    const { codes, dictionary } = data;
    let nulls = false;
    this.validity.fill(0);
    for (let i = 0; i < n; i++) {
      const code = codes[at + i];
      if (code < 0) {
        nulls = true;
        continue;
      }
      this.validity[i >> 3] |= 1 << (i & 7);
      duckdb.vector_assign_string_element(vector, i, dictionary[code]);
    }
    if (!nulls) return;
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, this.validity.buffer as ArrayBuffer, 0, this.validity.byteLength);
  }
}
