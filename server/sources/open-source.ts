import type { Source } from '../domain/source.js';
import { csvReader } from './csv.js';
import { duckdbCsvReader } from './csv-duckdb.js';
import { httpReader } from './http.js';
import { jsonlReader } from './jsonl.js';
import { parquetReader } from './parquet.js';
import type { SourceContext, SourceReader } from './source.js';
import { sqliteReader } from './sqlite.js';

/** The connector for a source definition. Opening does no I/O: files are found and opened on `read`. */
export function openSource(source: Source, ctx: SourceContext): SourceReader {
  switch (source.type) {
    case 'csv':
      return ctx.duckdb ? duckdbCsvReader(source, ctx, ctx.duckdb) : csvReader(source, ctx);
    case 'jsonl':
      return jsonlReader(source, ctx);
    case 'parquet':
      return parquetReader(source, ctx);
    case 'sqlite':
      return sqliteReader(source, ctx);
    case 'http':
      return httpReader(source, ctx);
    case 'push':
      // Rows of a push source arrive through POST /push; a run of a view without a batch source reads none.
      return { async *read() {} };
  }
}
