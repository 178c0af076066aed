import fs from 'node:fs';
import type { DuckDbEngine } from './duckdb-engine.js';
import type { ResultColumn } from './result-columns.js';
import type { ResultFormat } from './result-format.js';
import type { Sink } from './result-sink.js';
import type { Scratch } from './scratch.js';
import { writeArrow } from './write-arrow.js';
import { writeCsv } from './write-csv.js';
import { writeJson } from './write-json.js';

/** Writes a result Parquet file (a retrieval's answer or a saved dataset) to `sink` in `format`. */
export async function writeResult(engine: DuckDbEngine, file: string, columns: ResultColumn[], format: ResultFormat, scratch: Scratch, sink: Sink): Promise<void> {
  switch (format) {
    case 'parquet':
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) await sink.write(chunk as Buffer);
      return;
    case 'csv':
      return writeCsv(engine, file, columns, scratch, sink);
    case 'json':
      return writeJson(
        file,
        columns.map((c) => c.name),
        sink,
      );
    case 'arrow':
      return writeArrow(file, sink);
    case 'arrow_file':
      return writeArrow(file, sink, 'file');
  }
}
