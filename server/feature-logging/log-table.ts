import * as arrow from 'apache-arrow';
import { STATUSES, type LogBatch, type LogColumn } from './log-columns.js';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, statusColumn, timestampColumn } from './log-schema.js';

const STATUS_DICTIONARY = arrow.vectorFromArray([...STATUSES], new arrow.Utf8());

/**
 * A batch of log rows as one Arrow table: the entity keys, then `__request_id`, `__log_timestamp`
 * (the request time), `__feature_versions`, then per feature its value, `__timestamp` (the served
 * row's event time; null when not found) and `__status` (dictionary-encoded). Columns wrap the
 * batch's typed arrays; only strings are copied. Pure; runs on the encoder thread.
 */
export function logTable(batch: LogBatch): arrow.Table {
  const { schema, rows: n } = batch;
  const columns: Record<string, arrow.Vector> = {};
  schema.keys.forEach((key, k) => {
    columns[key.name] = vector(batch.keys[k]);
  });
  columns[REQUEST_ID] = arrow.vectorFromArray(batch.requestIds, new arrow.Utf8());
  columns[LOG_TIMESTAMP] = timeVector(batch.times, undefined, 0);
  columns[FEATURE_VERSIONS] = arrow.makeVector(
    arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()), length: n, data: new Int8Array(n), dictionary: arrow.vectorFromArray([schema.versions], new arrow.Utf8()) }),
  );
  // The features of one view share its event times: one column, referenced under each feature's name.
  const viewStamps = batch.stamps.map((c) => vector(c));
  schema.features.forEach((feature, f) => {
    columns[feature.name] = vector(batch.values[f]);
    columns[timestampColumn(feature.name)] = viewStamps[feature.viewIndex];
    columns[statusColumn(feature.name)] = arrow.makeVector(
      arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()), length: n, data: batch.statuses[f], dictionary: STATUS_DICTIONARY }),
    );
  });
  return new arrow.Table(columns);
}

/** Nulls in a validity bitmap of `n` rows; Arrow wants no bitmap at all when there are none. */
function nullCount(valid: Uint8Array, n: number): number {
  let set = 0;
  for (let i = 0; i < n; i++) if (valid[i >> 3] & (1 << (i & 7))) set++;
  return n - set;
}

function vector(c: LogColumn): arrow.Vector {
  if (c.kind === 'string') return arrow.vectorFromArray(c.data, new arrow.Utf8());
  const n = c.data.length;
  const nulls = nullCount(c.valid, n);
  const nullBitmap = nulls ? c.valid : undefined;
  if (c.kind === 'time') return timeVector(c.data, nullBitmap, nulls);
  if (c.kind === 'int64') return arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, nullBitmap, data: c.data }));
  if (c.kind === 'float64') return arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: nulls, nullBitmap, data: c.data }));
  // Arrow's booleans are a bitmap of their own.
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (c.data[i]) bits[i >> 3] |= 1 << (i & 7);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Bool(), length: n, nullCount: nulls, nullBitmap, data: bits }));
}

function timeVector(ms: Float64Array, nullBitmap: Uint8Array | undefined, nulls: number): arrow.Vector {
  const data = new BigInt64Array(ms.length);
  for (let i = 0; i < ms.length; i++) data[i] = BigInt(ms[i]);
  return arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: ms.length, nullCount: nulls, nullBitmap, data }));
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
