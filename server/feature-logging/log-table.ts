import * as arrow from '../vendor/arrow.cjs';
import type { FeatureType, KeyType } from '../domain/value-type.js';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, type LogSchema, statusColumn, timestampColumn } from './log-schema.js';

const time = () => new arrow.TimestampMillisecond('UTC');
/** Statuses and view versions: few strings, dictionary-encoded. */
const dictionary = () => new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8());

function arrowType(type: FeatureType | KeyType): arrow.DataType {
  if (type === 'int64') return new arrow.Int64();
  if (type === 'float64') return new arrow.Float64();
  if (type === 'bool') return new arrow.Bool();
  return new arrow.Utf8();
}

/**
 * The Arrow schema of a log file: the entity keys, then `__request_id`, `__log_timestamp` (the
 * request time), `__feature_versions`, then per feature its value, `__timestamp` (the served row's
 * event time; null when not found) and `__status`. Every field is nullable.
 */
export function logArrowSchema(schema: LogSchema): arrow.Schema {
  const fields = schema.keys.map((k) => new arrow.Field(k.name, arrowType(k.type), true));
  fields.push(new arrow.Field(REQUEST_ID, new arrow.Utf8(), true), new arrow.Field(LOG_TIMESTAMP, time(), true), new arrow.Field(FEATURE_VERSIONS, dictionary(), true));
  for (const f of schema.features) {
    fields.push(new arrow.Field(f.name, arrowType(f.type), true), new arrow.Field(timestampColumn(f.name), time(), true), new arrow.Field(statusColumn(f.name), dictionary(), true));
  }
  return new arrow.Schema(fields);
}

/**
 * The schema as Parquet files carry it for Arrow readers (the `ARROW:schema` key): the IPC schema
 * message, base64.
 */
export function arrowSchemaMetadata(schema: arrow.Schema): string {
  const stream = arrow.tableToIPC(new arrow.Table(schema), 'stream');
  const length = new DataView(stream.buffer, stream.byteOffset).getInt32(4, true);
  return Buffer.from(stream.subarray(0, 8 + length)).toString('base64');
}

/** Arrow's Int64 wants bigints; served values are safe-integer numbers. */
export function int64Vector(values: (number | null)[]): arrow.Vector {
  const n = values.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  const data = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else {
      bitmap[i >> 3] |= 1 << (i & 7);
      data[i] = BigInt(v);
    }
  }
  return arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : undefined, data }));
}
