import { openAsBlob } from 'node:fs';
import * as arrow from '../vendor/arrow.cjs';
import { ParquetFile } from 'parquet-wasm/node';

/**
 * Reads a result Parquet file as Arrow record batches, one row group at a time (or only `columns`),
 * so memory holds a row group, not the answer.
 */
export async function* resultBatches(file: string, columns?: string[]): AsyncGenerator<arrow.RecordBatch> {
  const parquet = await ParquetFile.fromFile(await openAsBlob(file));
  try {
    const metadata = parquet.metadata();
    const groups = metadata.numRowGroups();
    metadata.free();
    for (let group = 0; group < groups; group++) {
      const table = await parquet.read({ rowGroups: [group], batchSize: 1 << 20, ...(columns ? { columns } : {}) });
      yield* arrow.tableFromIPC(table.intoIPCStream()).batches;
    }
  } finally {
    parquet.free();
  }
}

/** The whole result as one Arrow table (the SDK's answer). */
export async function resultTable(file: string): Promise<arrow.Table> {
  const batches: arrow.RecordBatch[] = [];
  for await (const batch of resultBatches(file)) batches.push(batch);
  if (batches.length) return new arrow.Table(batches);
  const parquet = await ParquetFile.fromFile(await openAsBlob(file));
  try {
    // No rows: the schema alone still names and types every column.
    const schema = arrow.tableFromIPC(parquet.schema().intoIPCStream()).schema;
    return new arrow.Table(schema);
  } finally {
    parquet.free();
  }
}
