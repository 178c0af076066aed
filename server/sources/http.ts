import type { Source } from '../domain/source.js';
import { formatTimestamp } from '../domain/time.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow } from './batch-builder.js';
import { httpAccess } from './http-access.js';
import { openWithRetry } from './http-fetch.js';
import { JsonRecords } from './json-records.js';
import { JsonRows, LineSplitter } from './json-rows.js';
import { resolveHeaders } from './resolve-secrets.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader, TimeRange } from './source.js';

export type HttpSource = Extract<Source, { type: 'http' }>;

/**
 * An HTTP GET answering JSON (an array of records, or an object holding one at `recordsPath`) or JSON
 * Lines, parsed as the body arrives and cut into batches: no answer is held in memory whole.
 * `{start}`/`{end}` in the URL become the range in RFC 3339 (URL-encoded); an open start becomes the
 * empty string, which a server can read as "from the beginning". Only destinations the server allows
 * are contacted (`http-access.ts`), and secret headers are read from the environment at each read.
 */
export function httpReader(source: HttpSource, ctx: SourceContext): SourceReader {
  return { read: (request) => readHttp(source, ctx, request) };
}

export function expandUrl(template: string, range: TimeRange): string {
  const start = range.start === null ? '' : encodeURIComponent(formatTimestamp(range.start));
  const end = encodeURIComponent(formatTimestamp(range.end));
  return template.replaceAll('{start}', start).replaceAll('{end}', end);
}

async function* readHttp(source: HttpSource, ctx: SourceContext, request: ReadRequest): AsyncGenerator<SourceBatch> {
  const url = expandUrl(source.url, request.range);
  const accept = source.format === 'json' ? 'application/json' : 'application/x-ndjson, application/jsonl, text/plain;q=0.9, */*;q=0.8';
  // Secrets are read now, when the run starts, and live only in this request's headers.
  const headers = resolveHeaders(source.name, source.headers, ctx.env ?? process.env);
  const body = await openWithRetry(
    { url, headers: { accept, ...headers }, timeoutMs: source.timeoutMs, retries: source.retries, signal: request.signal },
    { access: ctx.http ?? httpAccess(), sleep: ctx.sleep },
    source.name,
  );
  const builder = new BatchBuilder(request);
  const rows = new JsonRows(source, request.columns);
  builder.bind(rows.keys, { location: (n) => `GET ${url} record ${n}`, raw: (row: RawRow) => ({ ...(row as Record<string, unknown>) }) });
  let n = 0;
  if (source.format === 'jsonl') {
    const decoder = new TextDecoder('utf-8');
    const lines = new LineSplitter();
    for await (const chunk of body) {
      for (const line of lines.push(decoder.decode(chunk, { stream: true }))) {
        const batch = rows.addLine(builder, line, ++n);
        if (batch !== null) yield batch;
      }
    }
    for (const line of [...lines.push(decoder.decode()), ...lines.end()]) {
      const batch = rows.addLine(builder, line, ++n);
      if (batch !== null) yield batch;
    }
  } else {
    const records = new JsonRecords(source.recordsPath, `source '${source.name}': GET ${url}`);
    for await (const chunk of body) {
      for (const record of records.push(chunk)) {
        const batch = rows.add(builder, record, ++n);
        if (batch !== null) yield batch;
      }
    }
    for (const record of records.end()) {
      const batch = rows.add(builder, record, ++n);
      if (batch !== null) yield batch;
    }
  }
  const last = builder.flush();
  if (last !== null) yield last;
}
