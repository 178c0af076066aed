import type { DuckDBConnection } from '@duckdb/node-api';
import type { RecordBatch } from '../vendor/arrow.cjs';
import type { FeatureType } from '../domain/value-type.js';
import type { HttpAccess } from './http-access.js';

/** A half-open range of event time in epoch ms: `start < ts <= end`. `start: null` reads from the beginning. */
export interface TimeRange {
  start: number | null;
  end: number;
}

/** The type a column is read as. Timestamps become Arrow `Timestamp<MILLISECOND, UTC>`. */
export type ColumnReadType = FeatureType | 'timestamp';

export interface ColumnRequest {
  /** Name after the source's `fieldMapping`. */
  name: string;
  type: ColumnReadType;
  /** A null or missing value rejects the row (join keys and the event timestamp). */
  required: boolean;
}

export interface ReadRequest {
  range: TimeRange;
  /** The event-time column, among `columns`; rows outside `range` are skipped, not rejected. */
  timestampColumn: string;
  /** Every column the pipeline needs, in the order the batches carry them. */
  columns: ColumnRequest[];
  /** Rows per batch, at most. Connectors never hold more than about one batch of rows. */
  batchSize: number;
  signal?: AbortSignal;
}

/** A row that could not be coerced to the requested types. */
export interface RejectedRow {
  /** Stable reason code, e.g. `invalid_float64`, `missing_join_key`, `invalid_timestamp`. */
  reason: string;
  /** The column at fault (name after fieldMapping). */
  column: string;
  /** Where the row came from: `file.csv:17` (line), `query row 12`, `GET <url> record 3`. */
  location: string;
  /** The offending raw value, as text. */
  value: string;
  /** The whole raw row, for the rejects file. */
  raw: Record<string, unknown>;
}

export interface SourceBatch {
  /** One Arrow column per requested column, in request order, typed: Float64, Int64, Utf8 or
   * Dictionary<Utf8, Int32>, Bool, Timestamp<MILLISECOND, UTC>. */
  batch: RecordBatch;
  /** Rows left out of `batch` because a value could not be coerced. */
  rejects: RejectedRow[];
}

/**
 * A connector reads one source. Contract: yields only rows with `range.start < ts <= range.end`, each
 * exactly once across batches, in source order; never more than `batchSize` rows per batch; an empty
 * source yields nothing. A source that cannot be read at all (missing file, HTTP error, missing
 * column) throws a `TesseraError` with code `source_error` naming the source and the column or file.
 */
export interface SourceReader {
  read(request: ReadRequest): AsyncIterable<SourceBatch>;
}

export interface SourceContext {
  /** The definitions folder: relative paths in source definitions resolve here, and files in it may be read. */
  baseDir: string;
  /** Other folders file sources may read (TESSERA_SOURCE_ROOTS). Nothing outside these and `baseDir` is read. */
  roots?: readonly string[];
  /** What HTTP sources may reach and read; absent: `httpAccess()`'s defaults (no allow list, the system resolver). */
  http?: HttpAccess;
  /** Where `{env: NAME}` secret references are read when a run starts; absent: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where CSV files are read by DuckDB where it provably types them as the JS reader does; absent: the JS reader only. */
  duckdb?: DuckDbConnector;
  /** Injectable for tests: waits between HTTP retries. */
  sleep?: (ms: number) => Promise<void>;
}

/** A DuckDB connection for a run's reads (the pipeline's `DuckDbEngine`); `close` releases it. */
export interface DuckDbConnector {
  connect(): Promise<{ connection: DuckDBConnection; close(): void }>;
}
