import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../background-priority.js';
import type { LogBatch } from './log-columns.js';
import { arrowSchemaMetadata, logArrowSchema } from './log-table.js';
import { logParquet } from './parquet-log-file.js';

/** What the encoder thread is asked: a batch of log rows (its typed arrays transferred, not copied). */
export interface EncodeRequest {
  id: number;
  batch: LogBatch;
  /** The batch's buffers (the same objects its typed arrays view): sent back once it is encoded, for the next batches. */
  buffers: ArrayBuffer[];
  /** A written file's buffer, to write this file into when it fits (transferred too). */
  output: ArrayBuffer | null;
}

export type EncodeAnswer = ({ id: number; parquet: Uint8Array } | { id: number; error: string }) & { buffers: ArrayBuffer[] };

// Encoding is background work: a full queue drops and counts rows, so a starved encoder costs rows
// logged, never a request's latency.
lowerThreadPriority();

/** Each schema's Arrow metadata, made once (schemas change only with the definitions). */
const arrowSchemas = new Map<string, string>();

function encode(batch: LogBatch, output: ArrayBuffer | null): Uint8Array {
  let arrowSchema = arrowSchemas.get(batch.schema.signature);
  if (arrowSchema === undefined) {
    arrowSchema = arrowSchemaMetadata(logArrowSchema(batch.schema));
    if (arrowSchemas.size > 1000) arrowSchemas.clear();
    arrowSchemas.set(batch.schema.signature, arrowSchema);
  }
  return logParquet(batch, arrowSchema, output);
}

parentPort?.on('message', (request: EncodeRequest) => {
  let answer: EncodeAnswer;
  // The file is a copy (assembled into a buffer of its own, or `output`): the batch's buffers are free again.
  const buffers = request.buffers;
  try {
    answer = { id: request.id, parquet: encode(request.batch, request.output), buffers };
  } catch (e) {
    answer = { id: request.id, error: e instanceof Error ? e.message : String(e), buffers };
  }
  // The file's bytes may be a view of `output` (after a failure, `output` is left to the collector).
  parentPort!.postMessage(answer, 'parquet' in answer ? [answer.parquet.buffer as ArrayBuffer, ...buffers] : buffers);
});
