import type { DuckDBConnection, DuckDBResult } from '@duckdb/node-api';
import { BatchBuilder } from './batch-builder.js';
import { kindOf } from './column-buffer.js';
import type { CsvSource } from './csv.js';
import { readCsvFile } from './csv.js';
import { type TypedColumn, typedCsvQuery } from './csv-duckdb-sql.js';
import { plainCsvHeader } from './csv-plain-file.js';
import type { DuckDbBatchSink } from './duckdb-batch-sink.js';
import { sourceColumnNames } from './field-mapping.js';
import { matchFiles } from './file-glob.js';
import type { DuckDbConnector, ReadRequest, SourceBatch, SourceContext, SourceReader } from './source.js';

/**
 * CSV files read by DuckDB's multi-threaded `read_csv` where that provably gives what the JS reader
 * (`csv.ts`) gives, and by the JS reader everywhere else, so a source reads the same either way:
 * - a file that is not plain (`plainCsvHeader`: quotes, carriage returns, blank lines, a BOM, an odd
 *   header) or lacks a requested column is read by the JS reader from its start;
 * - in a plain file, DuckDB types each row (`typedCsvQuery`) and flags every row whose typing it cannot
 *   prove equal to `coerce.ts`'s; from the first flagged row on (or from where DuckDB fails, e.g. on a
 *   row with too many fields or bytes that are not UTF-8) the JS reader reads the rest of the file,
 *   rejects and line numbers included.
 * Files are read one after another in `matchFiles`' order; batches keep the source order.
 */
export function duckdbCsvReader(source: CsvSource, ctx: SourceContext, engine: DuckDbConnector, handOver?: HandOver): SourceReader {
  return { read: (request) => readCsv(source, ctx, engine, request, handOver) };
}

/** Told each time the JS reader takes a file over, from `line` on (1: the whole file). */
export type HandOver = (file: string, line: number) => void;

async function* readCsv(source: CsvSource, ctx: SourceContext, engine: DuckDbConnector, request: ReadRequest, handOver?: HandOver): AsyncGenerator<SourceBatch> {
  const builder = new BatchBuilder(request);
  const kinds = request.columns.map((c) => kindOf(c.type));
  const tsIndex = request.columns.findIndex((c) => c.name === request.timestampColumn);
  const range = { start: request.range.start ?? -Infinity, end: request.range.end };
  // DuckDB's bindings load with the first CSV read, not with every process that can open a source (every CLI call).
  const { DuckDbBatchSink } = await import('./duckdb-batch-sink.js');
  const sink = new DuckDbBatchSink(builder.schema, kinds, tsIndex, range, request.batchSize);
  const wanted = sourceColumnNames(
    source,
    request.columns.map((c) => c.name),
  );
  const files = await matchFiles(source.path, ctx, source.name);
  let handle: { connection: DuckDBConnection; close(): void } | null = null;
  try {
    for (const file of files) {
      request.signal?.throwIfAborted();
      const header = await plainCsvHeader(file.path, source.delimiter);
      const positions = header === null ? null : wanted.map((name) => (name === null ? -1 : header.indexOf(name)));
      let fromLine = 1;
      if (header !== null && positions?.every((p) => p >= 0)) {
        // Rows the JS reader held (an earlier file) go first.
        const held = builder.flush();
        if (held !== null) yield held;
        handle ??= await streamingConnection(engine);
        const columns: TypedColumn[] = request.columns.map((c, i) => ({ kind: kinds[i], position: positions[i], required: c.required || i === tsIndex }));
        const sql = typedCsvQuery(file.path, header.length, source.delimiter, columns);
        const taken = yield* provenRows(handle.connection, sql, columns.length, sink, request.signal);
        if (taken === null) continue;
        fromLine = taken + 2; // line 1 is the header; plain files have one row per line
      }
      const pending = sink.flush();
      if (pending !== null) yield pending;
      handOver?.(file.name, fromLine);
      yield* readCsvFile(source, file, request, builder, fromLine);
    }
    const rest = sink.flush();
    if (rest !== null) yield rest;
    const last = builder.flush();
    if (last !== null) yield last;
  } finally {
    handle?.close();
  }
}

/**
 * DuckDB's default buffer ahead of a streaming result (976 KiB, about 20 chunks of these rows) keeps
 * its reader threads waiting on every fetch: at 32 MiB they parse ahead while this thread turns chunks
 * into batches. Measured on a 1M-row, 10-column file: the query fetched whole in 0.64-0.71 s instead
 * of 1.12-1.24 s. The setting is the connection's own.
 */
const STREAM_BUFFER = '32MB';

async function streamingConnection(engine: DuckDbConnector): Promise<{ connection: DuckDBConnection; close(): void }> {
  const handle = await engine.connect();
  try {
    await handle.connection.run(`SET streaming_buffer_size = '${STREAM_BUFFER}'`);
  } catch (e) {
    handle.close();
    throw e;
  }
  return handle;
}

/**
 * Streams the typed rows into `sink` up to the first flagged one. Returns null when every row was
 * taken, else how many were (the JS reader reads on from there).
 */
async function* provenRows(connection: DuckDBConnection, sql: string, badColumn: number, sink: DuckDbBatchSink, signal?: AbortSignal): AsyncGenerator<SourceBatch, number | null> {
  const { default: duckdb } = await import('@duckdb/node-bindings');
  const interrupt = () => connection.interrupt();
  signal?.addEventListener('abort', interrupt);
  let taken = 0;
  try {
    let result: DuckDBResult;
    try {
      result = await connection.stream(sql);
    } catch {
      signal?.throwIfAborted();
      return 0;
    }
    for (;;) {
      let chunk: Awaited<ReturnType<DuckDBResult['fetchChunk']>>;
      try {
        chunk = await result.fetchChunk();
      } catch {
        // DuckDB could not go on (a ragged row, bytes that are not UTF-8, ...): the JS reader says why.
        signal?.throwIfAborted();
        return taken;
      }
      if (chunk === null || chunk.rowCount === 0) return null;
      const n = chunk.rowCount;
      const bad = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, badColumn), n);
      const first = bad.indexOf(1);
      const rows = first < 0 ? n : first;
      yield* sink.add(chunk, rows);
      taken += rows;
      if (first >= 0) return taken;
    }
  } finally {
    signal?.removeEventListener('abort', interrupt);
  }
}
