import { openAsBlob } from 'node:fs';
import { RecordBatch, Struct, makeData, tableFromIPC } from '../vendor/arrow.cjs';
import type { Data, Vector } from '../vendor/arrow.cjs';
import { ParquetFile } from 'parquet-wasm/node';
import type { Source } from '../domain/source.js';
import { TesseraError, errorMessage } from '../errors.js';
import { int64InSafeRange, passesThrough, rowValues, timestampMillis, timestampsInRange } from './arrow-columns.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow } from './batch-builder.js';
import { KIND_INT64, KIND_TIMESTAMP, kindOf } from './column-buffer.js';
import type { Kind } from './column-buffer.js';
import { describeColumn, sourceColumnNames } from './field-mapping.js';
import { matchFiles } from './file-glob.js';
import type { MatchedFile } from './file-glob.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader } from './source.js';

export type ParquetSource = Extract<Source, { type: 'parquet' }>;

/**
 * Local Parquet files (a path or a glob), read one row group at a time: `ParquetFile.fromFile` over
 * `fs.openAsBlob` reads only the footer up front and then the byte ranges of the row group asked for,
 * so memory holds one row group of the requested columns, not the file. Columns that already have the
 * emitted Arrow types pass through untouched; others are coerced row by row.
 */
export function parquetReader(source: ParquetSource, ctx: SourceContext): SourceReader {
  return { read: (request) => readParquet(source, ctx, request) };
}

async function* readParquet(source: ParquetSource, ctx: SourceContext, request: ReadRequest): AsyncGenerator<SourceBatch> {
  const builder = new BatchBuilder(request);
  const files = await matchFiles(source.path, ctx, source.name);
  for (const file of files) yield* readFile(source, file, request, builder);
  const last = builder.flush();
  if (last !== null) yield last;
}

async function* readFile(source: ParquetSource, file: MatchedFile, request: ReadRequest, builder: BatchBuilder): AsyncGenerator<SourceBatch> {
  const fail = (what: string, e: unknown): TesseraError => new TesseraError('source_error', `source '${source.name}': ${what} '${file.name}': ${errorMessage(e)}`, [], { cause: e });
  let parquet: ParquetFile;
  try {
    parquet = await ParquetFile.fromFile(await openAsBlob(file.path));
  } catch (e) {
    throw fail('cannot open Parquet file', e);
  }
  try {
    const names = sourceColumnNames(
      source,
      request.columns.map((c) => c.name),
    );
    const fields = new Set(tableFromIPC(parquet.schema().intoIPCStream()).schema.fields.map((f) => f.name));
    const missing = names.findIndex((n) => n === null || !fields.has(n));
    if (missing >= 0) {
      const column = describeColumn(request.columns[missing].name, names[missing]);
      throw new TesseraError('source_error', `source '${source.name}': column ${column} is missing from '${file.name}'`);
    }
    const columns = names as string[];
    const reader = new BatchReader(request, builder, file, columns);
    const metadata = parquet.metadata();
    const groups = metadata.numRowGroups();
    metadata.free();
    for (let group = 0; group < groups; group++) {
      request.signal?.throwIfAborted();
      let batches: RecordBatch[];
      try {
        const table = await parquet.read({ rowGroups: [group], columns: [...new Set(columns)], batchSize: request.batchSize });
        batches = tableFromIPC(table.intoIPCStream()).batches;
      } catch (e) {
        throw fail(`cannot read row group ${group} of`, e);
      }
      for (const batch of batches)
        yield* reader.convert(
          columns.map((n) => batch.getChild(n) as Vector),
          batch.numRows,
        );
    }
  } finally {
    parquet.free();
  }
}

/** Turns the file's record batches into emitted batches, keeping source order across both paths. */
class BatchReader {
  private rowsBefore = 0;
  private readonly kinds: Kind[];
  private readonly tsIndex: number;

  constructor(
    private readonly request: ReadRequest,
    private readonly builder: BatchBuilder,
    private readonly file: MatchedFile,
    /** Source column names, per requested column. */
    private readonly sourceNames: string[],
  ) {
    this.kinds = request.columns.map((c) => kindOf(c.type));
    this.tsIndex = request.columns.findIndex((c) => c.name === request.timestampColumn);
  }

  *convert(vectors: Vector[], length: number): Generator<SourceBatch> {
    const first = this.rowsBefore;
    this.rowsBefore += length;
    if (length === 0) return;
    const data = vectors.map((v) => (v.data.length === 1 ? (v.data[0] as Data) : null));
    // Values coercion would reject (an int64 beyond 2^53, a time outside years 0001-9999) go row by row to be rejected.
    const direct = data.every(
      (d, c) => d !== null && passesThrough(d.type, this.kinds[c]) && (this.kinds[c] !== KIND_INT64 || int64InSafeRange(d)) && (this.kinds[c] !== KIND_TIMESTAMP || timestampsInRange(d)),
    );
    if (direct) {
      const inRange = this.countInRange(data[this.tsIndex] as Data);
      if (inRange === 0) return;
      const requiredNulls = this.request.columns.some((c, i) => c.required && (data[i] as Data).nullCount > 0);
      if (inRange === length && !requiredNulls) {
        // Whole batch passes: hand Arrow's buffers on, retyped to the emitted schema (zone, dictionary id).
        const pending = this.builder.flush();
        if (pending !== null) yield pending;
        const fields = this.builder.schema.fields;
        const children = data.map((d, c) => (d as Data).clone(fields[c].type));
        yield { batch: new RecordBatch(this.builder.schema, makeData({ type: new Struct(fields), length, nullCount: 0, children })), rejects: [] };
        return;
      }
    }
    yield* this.rowByRow(vectors, length, first);
  }

  /** Rows inside the range, or -1 when a null timestamp means some row must be rejected. */
  private countInRange(ts: Data): number {
    if (ts.nullCount > 0) return -1;
    const { start, end } = this.request.range;
    const millis = timestampMillis(ts);
    let count = 0;
    for (let i = 0; i < millis.length; i++) if ((start === null || millis[i] > start) && millis[i] <= end) count++;
    return count;
  }

  private *rowByRow(vectors: Vector[], length: number, first: number): Generator<SourceBatch> {
    const names = this.sourceNames;
    const values = vectors.map(rowValues);
    const file = this.file;
    this.builder.bind(
      names.map((_, c) => c),
      {
        location: (n) => `${file.name} row ${n}`,
        raw: (row: RawRow) => Object.fromEntries(names.map((name, c) => [name, (row as unknown[])[c]])),
      },
    );
    const row: unknown[] = new Array(values.length);
    for (let i = 0; i < length; i++) {
      for (let c = 0; c < values.length; c++) row[c] = values[c][i];
      const batch = this.builder.add(row, first + i + 1);
      if (batch !== null) yield batch;
    }
  }
}
