import { createReadStream } from 'node:fs';
import type { Source } from '../domain/source.js';
import { TesseraError, errorMessage } from '../errors.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow } from './batch-builder.js';
import { matchFiles } from './file-glob.js';
import type { MatchedFile } from './file-glob.js';
import { JsonRows, LineSplitter } from './json-rows.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader } from './source.js';

export type JsonlSource = Extract<Source, { type: 'jsonl' }>;

/** JSON Lines files (a path or a glob): one object per line; blank lines skipped; a BOM is stripped. */
export function jsonlReader(source: JsonlSource, ctx: SourceContext): SourceReader {
  return { read: (request) => readJsonl(source, ctx, request) };
}

async function* readJsonl(source: JsonlSource, ctx: SourceContext, request: ReadRequest): AsyncGenerator<SourceBatch> {
  const builder = new BatchBuilder(request);
  const rows = new JsonRows(source, request.columns);
  const files = await matchFiles(source.path, ctx, source.name);
  for (const file of files) yield* readFile(source, file, request, builder, rows);
  const last = builder.flush();
  if (last !== null) yield last;
}

async function* readFile(source: JsonlSource, file: MatchedFile, request: ReadRequest, builder: BatchBuilder, rows: JsonRows): AsyncGenerator<SourceBatch> {
  builder.bind(rows.keys, { location: (n) => `${file.name}:${n}`, raw: (row: RawRow) => ({ ...(row as Record<string, unknown>) }) });
  const stream = createReadStream(file.path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = new LineSplitter();
  let line = 0;
  try {
    let first = true;
    for await (const chunk of stream as AsyncIterable<string>) {
      request.signal?.throwIfAborted();
      const text = first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
      first = false;
      for (const entry of lines.push(text)) {
        const batch = rows.addLine(builder, entry, ++line);
        if (batch !== null) yield batch;
      }
    }
    for (const entry of lines.end()) {
      const batch = rows.addLine(builder, entry, ++line);
      if (batch !== null) yield batch;
    }
  } catch (e) {
    if (e instanceof TesseraError || (e instanceof Error && e.name === 'AbortError')) throw e;
    throw new TesseraError('source_error', `source '${source.name}': cannot read '${file.name}': ${errorMessage(e)}`, [], { cause: e });
  } finally {
    stream.destroy();
  }
}
