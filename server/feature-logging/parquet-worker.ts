import { parentPort } from 'node:worker_threads';
import * as arrow from 'apache-arrow';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import type { LogBatch } from './log-columns.js';
import { logTable } from './log-table.js';

/** What the encoder thread is asked: a batch of log rows (its typed arrays transferred, not copied). */
export interface EncodeRequest {
  id: number;
  batch: LogBatch;
}

export type EncodeAnswer = { id: number; parquet: Uint8Array } | { id: number; error: string };

/** A log table -> Parquet (snappy; dictionary encoding for string and dictionary columns only, as the offline files). */
export function encodeParquet(table: arrow.Table): Uint8Array {
  let props = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(256 * 1024);
  for (const field of table.schema.fields) {
    if (arrow.DataType.isDictionary(field.type) || arrow.DataType.isUtf8(field.type)) props = props.setColumnDictionaryEnabled(field.name, true);
  }
  return writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream')), props.build());
}

parentPort?.on('message', (request: EncodeRequest) => {
  let answer: EncodeAnswer;
  try {
    answer = { id: request.id, parquet: encodeParquet(logTable(request.batch)) };
  } catch (e) {
    answer = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer, 'parquet' in answer ? [answer.parquet.buffer as ArrayBuffer] : []);
});
