import type { Source } from '../domain/source.js';
import { formatTimestamp } from '../domain/time.js';
import { TesseraError, errorMessage } from '../errors.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow } from './batch-builder.js';
import { fetchWithRetry } from './http-fetch.js';
import { JsonRows, LineSplitter } from './json-rows.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader, TimeRange } from './source.js';

export type HttpSource = Extract<Source, { type: 'http' }>;

/**
 * An HTTP GET answering JSON (an array of records, or an object holding one at `recordsPath`) or JSON
 * Lines. One answer is held in memory, then cut into batches. `{start}`/`{end}` in the URL become the
 * range in RFC 3339 (URL-encoded); an open start becomes the empty string, which a server can read as
 * "from the beginning".
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
  const text = await fetchWithRetry(
    { url, headers: { accept, ...source.headers }, timeoutMs: source.timeoutMs, retries: source.retries, signal: request.signal },
    { fetch: ctx.fetch ?? globalThis.fetch, sleep: ctx.sleep },
    source.name,
  );
  const builder = new BatchBuilder(request);
  const rows = new JsonRows(source, request.columns);
  builder.bind(rows.keys, { location: (n) => `GET ${url} record ${n}`, raw: (row: RawRow) => ({ ...(row as Record<string, unknown>) }) });
  if (source.format === 'jsonl') {
    const lines = new LineSplitter();
    let n = 0;
    for (const line of [...lines.push(text), ...lines.end()]) {
      const batch = rows.addLine(builder, line, ++n);
      if (batch !== null) yield batch;
    }
  } else {
    const records = recordsOf(parseJson(text, source.name, url), source.recordsPath, source.name, url);
    for (let i = 0; i < records.length; i++) {
      const batch = rows.add(builder, records[i], i + 1);
      if (batch !== null) yield batch;
    }
  }
  const last = builder.flush();
  if (last !== null) yield last;
}

function parseJson(text: string, sourceName: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new TesseraError('source_error', `source '${sourceName}': GET ${url} did not answer JSON: ${errorMessage(e)}`, [], { cause: e });
  }
}

/** The array of records: the answer itself, or the value at the dotted `recordsPath`. */
export function recordsOf(body: unknown, recordsPath: string | undefined, sourceName: string, url: string): unknown[] {
  let value = body;
  const steps = recordsPath === undefined ? [] : recordsPath.split('.');
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const holder = value as Record<string, unknown> | null;
    if (holder === null || typeof holder !== 'object' || !Object.hasOwn(holder, step)) {
      const at = steps.slice(0, i + 1).join('.');
      throw new TesseraError('source_error', `source '${sourceName}': GET ${url}: the answer has no '${at}' (recordsPath '${recordsPath}')`);
    }
    value = holder[step];
  }
  if (!Array.isArray(value)) {
    const where = recordsPath === undefined ? 'the answer is not an array (set recordsPath to the array inside it)' : `'${recordsPath}' is not an array`;
    throw new TesseraError('source_error', `source '${sourceName}': GET ${url}: ${where}`);
  }
  return value;
}
