import { type LogBatch, type LogColumn, STATUSES } from './log-columns.js';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, statusColumn, timestampColumn } from './log-schema.js';
import { PARQUET, countNulls, definitionLevels, dictionaryIndices, page, plainBooleans, plainStrings } from './parquet-pages.js';
import { type Part, millisRange, plainFixed8, plainMillis } from './parquet-values.js';
import { ThriftWriter } from './thrift-compact.js';

/** One column chunk ready to place: its pages' bytes and what the footer says of it. */
interface Chunk {
  name: string;
  type: number;
  logical: 'string' | 'timestamp' | null;
  parts: Part[];
  size: number;
  dictionary: boolean;
  nulls: number;
  /** int64 min and max (little-endian bytes), for the footer's statistics; null without values. */
  range: [Uint8Array, Uint8Array] | null;
}

const MAGIC = new TextEncoder().encode('PAR1');

function chunk(name: string, type: number, logical: Chunk['logical'], pages: Part[][], nulls: number, dictionary = false, range: Chunk['range'] = null): Chunk {
  const parts = pages.flat();
  let size = 0;
  for (const p of parts) size += p.length;
  return { name, type, logical, parts, size, dictionary, nulls, range };
}

/** Min and max of non-null int64 words, as little-endian bytes. */
function int64Range(data: BigInt64Array, valid: Uint8Array | null): Chunk['range'] {
  let lo: bigint | null = null;
  let hi: bigint | null = null;
  for (let i = 0; i < data.length; i++) {
    if (valid !== null && !(valid[i >> 3] & (1 << (i & 7)))) continue;
    const v = data[i];
    if (lo === null || v < lo) lo = v;
    if (hi === null || v > hi) hi = v;
  }
  if (lo === null || hi === null) return null;
  return [new Uint8Array(BigInt64Array.of(lo).buffer), new Uint8Array(BigInt64Array.of(hi).buffer)];
}

/** A typed column (and its nulls) as one PLAIN data page. */
function plainChunk(name: string, c: LogColumn, n: number): Chunk {
  const nulls = countNulls(c.valid, n);
  const levels = definitionLevels(c.valid, n, nulls);
  // Strings were written in PLAIN form as they came.
  if (c.kind === 'string') return chunk(name, PARQUET.type.BYTE_ARRAY, 'string', [page('data', n, PARQUET.encoding.PLAIN, [levels, c.data])], nulls);
  if (c.kind === 'bool') return chunk(name, PARQUET.type.BOOLEAN, null, [page('data', n, PARQUET.encoding.PLAIN, [levels, plainBooleans(c.data, c.valid, n, nulls)])], nulls);
  if (c.kind === 'float64') return chunk(name, PARQUET.type.DOUBLE, null, [page('data', n, PARQUET.encoding.PLAIN, [levels, plainFixed8(c.data, c.valid, nulls)])], nulls);
  if (c.kind === 'time')
    return chunk(name, PARQUET.type.INT64, 'timestamp', [page('data', n, PARQUET.encoding.PLAIN, [levels, plainMillis(c.data, c.valid, nulls)])], nulls, false, millisRange(c.data, c.valid));
  return chunk(
    name,
    PARQUET.type.INT64,
    null,
    [page('data', n, PARQUET.encoding.PLAIN, [levels, plainFixed8(c.data as BigInt64Array, c.valid, nulls)])],
    nulls,
    false,
    int64Range(c.data as BigInt64Array, c.valid),
  );
}

/** A string column of few values: a dictionary page, then the rows' indices (null codes: all the first entry). */
function dictionaryChunk(name: string, entries: readonly string[], codes: Int8Array | null, n: number): Chunk {
  const bitWidth = Math.max(1, Math.ceil(Math.log2(entries.length)));
  return chunk(
    name,
    PARQUET.type.BYTE_ARRAY,
    'string',
    [
      page('dictionary', entries.length, PARQUET.encoding.PLAIN, [plainStrings(entries)]),
      page('data', n, PARQUET.encoding.RLE_DICTIONARY, [definitionLevels(null, n, 0), dictionaryIndices(codes, n, bitWidth)]),
    ],
    0,
    true,
  );
}

/**
 * A batch of log rows as a Parquet file, written directly: one row group, one page per column, no
 * compression. The columns are those `logTable` describes (keys, request id, request time, view
 * versions, then per feature its value, event time and status); `arrowSchema` (base64 IPC) lets Arrow
 * readers restore the dictionary and time zone types. A general encoder (parquet-wasm over an Arrow
 * table) spent about 20 us of CPU per logged row of 50 features, a fifth of what serving it costs;
 * this copies the column buffers, and a view's event-time page is encoded once for all its features.
 * `output`: a buffer to write the file into when it fits (the returned bytes are a view of it).
 */
export function logParquet(batch: LogBatch, arrowSchema: string, output: ArrayBuffer | null = null): Uint8Array {
  const { schema, rows: n } = batch;
  const chunks: Chunk[] = schema.keys.map((key, k) => plainChunk(key.name, batch.keys[k], n));
  chunks.push(plainChunk(REQUEST_ID, batch.requestIds, n));
  chunks.push(plainChunk(LOG_TIMESTAMP, { kind: 'time', data: batch.times, valid: new Uint8Array((n + 7) >> 3).fill(0xff) }, n));
  chunks.push(dictionaryChunk(FEATURE_VERSIONS, [schema.versions], null, n));
  const stamps = new Map<number, Chunk>();
  schema.features.forEach((feature, f) => {
    chunks.push(plainChunk(feature.name, batch.values[f], n));
    let stamp = stamps.get(feature.viewIndex);
    if (!stamp) {
      stamp = plainChunk('', batch.stamps[feature.viewIndex], n);
      stamps.set(feature.viewIndex, stamp);
    }
    chunks.push({ ...stamp, name: timestampColumn(feature.name) });
    chunks.push(dictionaryChunk(statusColumn(feature.name), STATUSES, batch.statuses[f], n));
  });
  return assemble(chunks, n, arrowSchema, output);
}

/**
 * The file's bytes, in `output` when it is large enough (the buffer of a file already written),
 * else in a new buffer with room to spare, which comes back as the next file's `output`. On this
 * machine (a VM that hands freed memory back to its host) writing megabytes into fresh pages cost
 * about 25 ms a file in page faults, 10 times the copy itself: most of the encoder thread's time.
 */
function fileBuffer(size: number, output: ArrayBuffer | null): Uint8Array {
  if (output !== null && output.byteLength >= size) return new Uint8Array(output, 0, size);
  return new Uint8Array(new ArrayBuffer(Math.ceil(size * 1.25)), 0, size);
}

function assemble(chunks: Chunk[], n: number, arrowSchema: string, output: ArrayBuffer | null): Uint8Array {
  const offsets: number[] = [];
  let at = MAGIC.length;
  for (const c of chunks) {
    offsets.push(at);
    at += c.size;
  }
  const footer = new ThriftWriter();
  footer.inStruct(() => {
    footer.i32(1, 1);
    footer.list(2, 12, chunks.length + 1, (i) =>
      footer.inStruct(() => {
        if (i === 0) {
          footer.binary(4, 'arrow_schema');
          footer.i32(5, chunks.length);
          return;
        }
        const c = chunks[i - 1];
        footer.i32(1, c.type);
        footer.i32(3, 1); // OPTIONAL, as Arrow's nullable fields
        footer.binary(4, c.name);
        if (c.logical === 'string') footer.i32(6, 0); // UTF8
        if (c.logical === 'timestamp') footer.i32(6, 9); // TIMESTAMP_MILLIS
        if (c.logical === 'string') footer.struct(10, () => footer.struct(1, () => undefined));
        if (c.logical === 'timestamp') {
          footer.struct(10, () =>
            footer.struct(8, () => {
              footer.bool(1, true);
              footer.struct(2, () => footer.struct(1, () => undefined));
            }),
          );
        }
      }),
    );
    footer.i64(3, n);
    footer.list(4, 12, 1, () =>
      footer.inStruct(() => {
        footer.list(1, 12, chunks.length, (i) => columnChunk(footer, chunks[i], offsets[i], n));
        footer.i64(2, at - MAGIC.length);
        footer.i64(3, n);
      }),
    );
    footer.list(5, 12, 1, () =>
      footer.inStruct(() => {
        footer.binary(1, 'ARROW:schema');
        footer.binary(2, arrowSchema);
      }),
    );
    footer.binary(6, 'tessera feature log');
  });
  const meta = footer.take();
  // Every byte of it is written below: a reused buffer's old bytes never show.
  const out = fileBuffer(at + meta.length + 4 + MAGIC.length, output);
  out.set(MAGIC, 0);
  for (let i = 0; i < chunks.length; i++) {
    let p = offsets[i];
    for (const part of chunks[i].parts) {
      if (part instanceof Uint8Array) out.set(part, p);
      else part.write(out, p);
      p += part.length;
    }
  }
  out.set(meta, at);
  new DataView(out.buffer, out.byteOffset).setUint32(at + meta.length, meta.length, true);
  out.set(MAGIC, at + meta.length + 4);
  return out;
}

function columnChunk(w: ThriftWriter, c: Chunk, offset: number, n: number): void {
  w.inStruct(() => {
    w.i64(2, offset);
    w.struct(3, () => {
      w.i32(1, c.type);
      const encodings = c.dictionary ? [PARQUET.encoding.PLAIN, PARQUET.encoding.RLE, PARQUET.encoding.RLE_DICTIONARY] : [PARQUET.encoding.PLAIN, PARQUET.encoding.RLE];
      w.list(2, 5, encodings.length, (i) => w.element(encodings[i]));
      w.list(3, 8, 1, () => w.rawBinary(c.name));
      w.i32(4, 0); // UNCOMPRESSED
      w.i64(5, n);
      w.i64(6, c.size);
      w.i64(7, c.size);
      // A dictionary chunk starts with its dictionary page; its data page follows.
      w.i64(9, c.dictionary ? offset + c.parts[0].length + c.parts[1].length : offset);
      if (c.dictionary) w.i64(11, offset);
      w.struct(12, () => {
        w.i64(3, c.nulls);
        if (c.range) {
          w.binary(5, c.range[1]);
          w.binary(6, c.range[0]);
        }
      });
    });
  });
}
