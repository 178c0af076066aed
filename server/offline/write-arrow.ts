import * as arrow from '../vendor/arrow.cjs';
import { resultBatches, resultTable } from './result-batches.js';
import type { Sink } from './result-sink.js';

/**
 * The answer in Arrow IPC, one record batch per Parquet row group, written as it is read: the stream
 * format, or the file format (the same batches between magic bytes, then a footer indexing them).
 */
export async function writeArrow(file: string, sink: Sink, layout: 'stream' | 'file' = 'stream'): Promise<void> {
  const writer = layout === 'file' ? new arrow.RecordBatchFileWriter() : new arrow.RecordBatchStreamWriter();
  const pump = (async () => {
    for await (const chunk of writer) await sink.write(chunk);
  })();
  try {
    let schema: arrow.Schema | null = null;
    for await (const batch of resultBatches(file)) {
      schema ??= batch.schema;
      // One schema for the whole stream, even if a row group's reader built its own copy.
      writer.write(new arrow.RecordBatch(schema, batch.data));
    }
    // No rows: the stream still carries the schema, so the caller learns the columns.
    if (!schema) writer.write(await resultTable(file));
  } finally {
    writer.close();
    await pump;
  }
}
