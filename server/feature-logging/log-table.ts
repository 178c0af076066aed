import * as arrow from 'apache-arrow';
import type { FeatureType, KeyType } from '../domain/value-type.js';
import type { FeatureStatus } from '../serving/online-service.js';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, type LogSchema, statusColumn, timestampColumn } from './log-schema.js';
import type { ServedRequest } from './served-request.js';

/** Statuses as dictionary codes: four strings, one byte per row (Parquet keeps them dictionary-encoded). */
const STATUSES: FeatureStatus[] = ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'];
const STATUS_CODE = new Map(STATUSES.map((s, i) => [s, i]));
const STATUS_DICTIONARY = arrow.vectorFromArray(STATUSES, new arrow.Utf8());

/**
 * Log rows of requests that share one schema, as one Arrow table: the entity keys, then
 * `__request_id`, `__log_timestamp` (the request time), `__feature_versions`, then per feature its
 * value, `__timestamp` (the served row's event time; null when not found) and `__status`.
 * `newId` names requests that came without an id. Columns are built from typed arrays directly
 * (Arrow's generic builders cost several times more, and this runs on the serving thread). Pure.
 */
export function logTable(schema: LogSchema, served: readonly ServedRequest[], newId: () => string): arrow.Table {
  let n = 0;
  for (const s of served) n += s.count;
  const ids = new Array<string>(n);
  const times = new Float64Array(n);
  const keys = schema.keys.map(() => new Array<unknown>(n));
  const values = schema.features.map(() => new Array<unknown>(n));
  const statuses = schema.features.map(() => new Int8Array(n));
  const views = Math.max(0, ...schema.features.map((f) => f.viewIndex + 1));
  const stamps = Array.from({ length: views }, () => new Array<number | null>(n));
  let at = 0;
  for (const s of served) {
    const id = s.requestId ?? newId();
    const count = s.rows === null ? s.count : s.rows.length;
    for (let j = 0; j < count; j++, at++) {
      const i = s.rows === null ? j : s.rows[j];
      ids[at] = id;
      times[at] = s.at;
      for (let k = 0; k < keys.length; k++) keys[k][at] = s.keys[k][i];
      for (let v = 0; v < views; v++) stamps[v][at] = s.found[v][i]?.eventTs ?? null;
      for (let f = 0; f < values.length; f++) {
        const result = s.results[s.offset + f];
        values[f][at] = result.values[i];
        statuses[f][at] = STATUS_CODE.get(result.statuses[i]) ?? 0;
      }
    }
  }
  const columns: Record<string, arrow.Vector> = {};
  schema.keys.forEach((key, k) => {
    columns[key.name] = keyVector(keys[k], key.type);
  });
  columns[REQUEST_ID] = arrow.vectorFromArray(ids, new arrow.Utf8());
  columns[LOG_TIMESTAMP] = timestampVector(Array.from(times));
  columns[FEATURE_VERSIONS] = arrow.makeVector(
    arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()), length: n, data: new Int8Array(n), dictionary: arrow.vectorFromArray([schema.versions], new arrow.Utf8()) }),
  );
  // The features of one view share its event times: one column, referenced under each feature's name.
  const viewStamps = stamps.map((column) => timestampVector(column));
  schema.features.forEach((feature, f) => {
    columns[feature.name] = valueVector(values[f], feature.type);
    columns[timestampColumn(feature.name)] = viewStamps[feature.viewIndex];
    columns[statusColumn(feature.name)] = arrow.makeVector(
      arrow.makeData({ type: new arrow.Dictionary(new arrow.Utf8(), new arrow.Int8()), length: n, data: statuses[f], dictionary: STATUS_DICTIONARY }),
    );
  });
  return new arrow.Table(columns);
}

function keyVector(values: unknown[], type: KeyType): arrow.Vector {
  return type === 'int64' ? int64Vector(values as (number | null)[]) : arrow.vectorFromArray(values as string[], new arrow.Utf8());
}

function valueVector(values: unknown[], type: FeatureType): arrow.Vector {
  if (type === 'int64') return int64Vector(values as (number | null)[]);
  if (type === 'float64') return float64Vector(values as (number | null)[]);
  if (type === 'bool') return arrow.vectorFromArray(values as (boolean | null)[], new arrow.Bool());
  return arrow.vectorFromArray(values as (string | null)[], new arrow.Utf8());
}

/** A validity bitmap (and null count) for values where null or undefined means null. */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | undefined; nulls: number } {
  const n = values.length;
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nulls++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap: nulls ? bitmap : undefined, nulls };
}

function float64Vector(values: (number | null)[]): arrow.Vector {
  const { bitmap, nulls } = validity(values);
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] ?? 0;
  return arrow.makeVector(arrow.makeData({ type: new arrow.Float64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data }));
}

/** Arrow's Int64 wants bigints; served values are safe-integer numbers. */
export function int64Vector(values: (number | null)[]): arrow.Vector {
  const { bitmap, nulls } = validity(values);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) data[i] = BigInt(values[i]!);
  return arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: values.length, nullCount: nulls, nullBitmap: bitmap, data }));
}

function timestampVector(values: (number | null)[]): arrow.Vector {
  const { bitmap, nulls } = validity(values);
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) if (values[i] !== null) data[i] = BigInt(values[i]!);
  return arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMillisecond('UTC'), length: values.length, nullCount: nulls, nullBitmap: bitmap, data }));
}
