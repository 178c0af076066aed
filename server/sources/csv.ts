import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type { Source } from '../domain/source.js';
import { TesseraError, errorMessage } from '../errors.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow, RowOrigin } from './batch-builder.js';
import { describeColumn, sourceColumnNames } from './field-mapping.js';
import { matchFiles } from './file-glob.js';
import type { MatchedFile } from './file-glob.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader } from './source.js';

export type CsvSource = Extract<Source, { type: 'csv' }>;

/** Bytes per read: few event-loop round trips. */
const READ_BYTES = 1 << 20;
/**
 * Characters per papaparse call. Smaller than a read because papaparse holds all rows of one call at
 * once; at 64K they die young in the GC's nursery (measured: 1M-char calls cost ~25% more in GC).
 */
const PARSE_CHARS = 1 << 16;
/** A row longer than this is taken for an unterminated quote swallowing the file. */
const MAX_ROW_CHARS = 64 << 20;

/**
 * CSV files (a path or a glob), each with a header row. Parsing is papaparse's low-level Parser fed
 * chunk by chunk, carrying the unfinished last row over to the next chunk: this skips papaparse's
 * streamer and its callbacks, and keeps exact line numbers for rejects.
 */
export function csvReader(source: CsvSource, ctx: SourceContext): SourceReader {
  return { read: (request) => readCsv(source, ctx, request) };
}

async function* readCsv(source: CsvSource, ctx: SourceContext, request: ReadRequest): AsyncGenerator<SourceBatch> {
  const builder = new BatchBuilder(request);
  const files = await matchFiles(source.path, ctx, source.name);
  for (const file of files) yield* readCsvFile(source, file, request, builder);
  const last = builder.flush();
  if (last !== null) yield last;
}

/** Reads one file into `builder`; rows on lines before `fromLine` are parsed but left out (another reader took them). */
export async function* readCsvFile(source: CsvSource, file: MatchedFile, request: ReadRequest, builder: BatchBuilder, fromLine = 0): AsyncGenerator<SourceBatch> {
  const wanted = sourceColumnNames(
    source,
    request.columns.map((c) => c.name),
  );
  const state = new CsvFileState(source, file, wanted, builder, fromLine);
  const stream = createReadStream(file.path, { highWaterMark: READ_BYTES });
  const decoder = new StringDecoder('utf8');
  let pending = '';
  // An unfinished row longer than a piece (a long quoted field, an unterminated quote) is parsed again
  // from its start each time: wait until the text has doubled, so the total work stays linear.
  let retryAt = 0;
  try {
    for await (const bytes of stream as AsyncIterable<Buffer>) {
      request.signal?.throwIfAborted();
      // Mostly-ASCII data decodes as latin1, a plain copy, 2x faster than UTF-8 decoding. A chunk
      // right after one that ended inside a multi-byte character starts with a continuation byte,
      // so it is never ASCII and goes through the decoder, which holds the partial character.
      const chunk = isAscii(bytes) ? bytes.toString('latin1') : decoder.write(bytes);
      // Cut after a newline where possible, so the next piece usually starts a row and needs no joining.
      for (let at = 0; at < chunk.length; ) {
        let cut = Math.min(at + PARSE_CHARS, chunk.length);
        if (cut < chunk.length) {
          const newline = chunk.lastIndexOf('\n', cut - 1);
          if (newline >= at) cut = newline + 1;
        }
        const piece = chunk.substring(at, cut);
        at = cut;
        const text = pending.length === 0 ? piece : pending + piece;
        if (text.length < retryAt) {
          pending = text;
          continue;
        }
        pending = yield* state.parse(text, false);
        retryAt = pending.length > PARSE_CHARS ? 2 * pending.length : 0;
        if (pending.length > MAX_ROW_CHARS) {
          throw new TesseraError('source_error', `source '${source.name}': '${file.name}' has a row of over ${MAX_ROW_CHARS >> 20}M characters after line ${state.lines}; is a quote left open?`);
        }
      }
    }
    const rest = decoder.end();
    yield* state.parse(pending + rest, true);
  } catch (e) {
    if (e instanceof TesseraError || (e instanceof Error && e.name === 'AbortError')) throw e;
    throw new TesseraError('source_error', `source '${source.name}': cannot read '${file.name}': ${errorMessage(e)}`, [], { cause: e });
  } finally {
    stream.destroy();
  }
  if (!state.sawHeader) throw new TesseraError('source_error', `source '${source.name}': '${file.name}' is empty; a header row is required`);
}

interface ParseResult {
  data: string[][];
  errors: Papa.ParseError[];
  meta: { cursor: number };
}

/** One file's parse state: the header, the line count, and papaparse's parser once the newline is known. */
class CsvFileState implements RowOrigin {
  sawHeader = false;
  /** Papaparse scans each input for a quote to pick its fast path; we scan anyway, so we pick. */
  private plainParser: Papa.Parser | null = null;
  private quoteParser: Papa.Parser | null = null;
  private header: string[] = [];
  private line = 0;
  private newlineChar = '\n';
  private started = false;

  constructor(
    private readonly source: CsvSource,
    private readonly file: MatchedFile,
    private readonly wanted: (string | null)[],
    private readonly builder: BatchBuilder,
    private readonly fromLine: number,
  ) {}

  /** Parses the complete rows of `text` and returns the unfinished rest (nothing when `final`). */
  *parse(input: string, final: boolean): Generator<SourceBatch, string> {
    let text = input;
    if (!this.started) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (!final && !/[\r\n]/.test(text)) return text;
      this.started = true;
      this.makeParsers(text);
    }
    if (text.length === 0 || this.plainParser === null || this.quoteParser === null) return '';
    const quoted = text.includes('"');
    const result = (quoted ? this.quoteParser : this.plainParser).parse(text, 0, !final) as ParseResult;
    const rows = result.data;
    const badRows = result.errors.length === 0 ? null : new Map(result.errors.map((e) => [e.row ?? -1, e.message]));
    const builder = this.builder;
    let start = 0;
    if (!this.sawHeader && rows.length > 0) {
      this.useHeader(rows[0]);
      start = 1;
    }
    const width = this.header.length;
    for (let i = start; i < rows.length; i++) {
      const row = rows[i];
      // A row is located by the line it starts on.
      const line = this.line + 1;
      this.line += quoted ? 1 + this.embeddedNewlines(row) : 1;
      if ((row.length === 1 && row[0] === '') || line < this.fromLine) continue; // a blank line, or a row read already
      let batch: SourceBatch | null;
      const problem = badRows?.get(i);
      if (problem !== undefined) batch = builder.reject('invalid_csv', '', problem, row, line);
      else if (row.length > width) batch = builder.reject('invalid_row', '', `${row.length} fields, header has ${width}`, row, line);
      else batch = builder.add(row, line);
      if (batch !== null) yield batch;
    }
    return final ? '' : text.substring(result.meta.cursor);
  }

  /** Lines consumed so far. */
  get lines(): number {
    return this.line;
  }

  location(n: number): string {
    return `${this.file.name}:${n}`;
  }

  raw(row: RawRow): Record<string, unknown> {
    const fields = row as string[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) out[i < this.header.length ? this.header[i] : `_${i + 1}`] = fields[i];
    return out;
  }

  private makeParsers(text: string): void {
    const at = text.search(/[\r\n]/);
    const newline = at < 0 || text[at] === '\n' ? '\n' : text[at + 1] === '\n' ? '\r\n' : '\r';
    this.newlineChar = newline === '\r' ? '\r' : '\n';
    const config = { delimiter: this.source.delimiter, newline, quoteChar: '"' } as const;
    this.plainParser = new Papa.Parser({ ...config, fastMode: true });
    this.quoteParser = new Papa.Parser({ ...config, fastMode: false });
  }

  private useHeader(fields: string[]): void {
    this.sawHeader = true;
    this.line = 1;
    this.header = fields;
    const position = new Map<string, number>();
    fields.forEach((name, i) => {
      if (!position.has(name)) position.set(name, i);
    });
    const keys = this.wanted.map((name) => (name === null ? undefined : position.get(name)));
    const missing = keys.indexOf(undefined);
    if (missing >= 0) {
      const column = describeColumn(this.builder.schema.fields[missing].name, this.wanted[missing]);
      throw new TesseraError('source_error', `source '${this.source.name}': column ${column} is missing from the header of '${this.file.name}'`);
    }
    this.builder.bind(keys as number[], this);
  }

  /** Newlines inside quoted fields: they make a row span several lines. */
  private embeddedNewlines(row: string[]): number {
    let count = 0;
    for (const field of row) {
      for (let at = field.indexOf(this.newlineChar); at >= 0; at = field.indexOf(this.newlineChar, at + 1)) count++;
    }
    return count;
  }
}
