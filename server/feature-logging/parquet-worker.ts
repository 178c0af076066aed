import { parentPort } from 'node:worker_threads';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';

/** What the encoder thread is asked: an Arrow IPC stream, and which columns to dictionary-encode. */
export interface EncodeRequest {
  id: number;
  ipc: Uint8Array;
  dictionaryColumns: string[];
}

export type EncodeAnswer = { id: number; parquet: Uint8Array } | { id: number; error: string };

/** Arrow IPC -> Parquet (snappy; dictionary encoding only for the given columns, as the offline files). */
export function encodeParquet(ipc: Uint8Array, dictionaryColumns: string[]): Uint8Array {
  let props = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(256 * 1024);
  for (const name of dictionaryColumns) props = props.setColumnDictionaryEnabled(name, true);
  return writeParquet(WasmTable.fromIPCStream(ipc), props.build());
}

parentPort?.on('message', (request: EncodeRequest) => {
  let answer: EncodeAnswer;
  try {
    answer = { id: request.id, parquet: encodeParquet(request.ipc, request.dictionaryColumns) };
  } catch (e) {
    answer = { id: request.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer, 'parquet' in answer ? [answer.parquet.buffer as ArrayBuffer] : []);
});
