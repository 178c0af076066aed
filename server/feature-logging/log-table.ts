import * as arrow from 'apache-arrow';
import type { FeatureType, KeyType } from '../domain/value-type.js';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, type LogSchema, statusColumn, timestampColumn } from './log-schema.js';
import type { ServedRequest } from './served-request.js';

/**
 * Log rows of requests that share one schema, as one Arrow table: the entity keys, then
 * `__request_id`, `__log_timestamp` (the request time), `__feature_versions`, then per feature its
 * value, `__timestamp` (the served row's event time; null when not found) and `__status`.
 * `newId` names requests that came without an id. Pure.
 */
export function logTable(schema: LogSchema, served: readonly ServedRequest[], newId: () => string): arrow.Table {
  let n = 0;
  for (const s of served) n += s.count;
  const ids = new Array<string>(n);
  const times = new Array<number>(n);
  const keys = schema.keys.map(() => new Array<unknown>(n));
  const values = schema.features.map(() => new Array<unknown>(n));
  const stamps = schema.features.map(() => new Array<number | null>(n));
  const statuses = schema.features.map(() => new Array<string>(n));
  let at = 0;
  for (const s of served) {
    const id = s.requestId ?? newId();
    const count = s.rows === null ? s.count : s.rows.length;
    for (let j = 0; j < count; j++, at++) {
      const i = s.rows === null ? j : s.rows[j];
      ids[at] = id;
      times[at] = s.at;
      for (let k = 0; k < keys.length; k++) keys[k][at] = s.keys[k][i];
      for (let f = 0; f < values.length; f++) {
        const result = s.results[s.offset + f];
        values[f][at] = result.values[i];
        statuses[f][at] = result.statuses[i];
        stamps[f][at] = s.found[schema.features[f].viewIndex][i]?.eventTs ?? null;
      }
    }
  }
  const columns: Record<string, arrow.Vector> = {};
  schema.keys.forEach((key, k) => {
    columns[key.name] = keyVector(keys[k], key.type);
  });
  columns[REQUEST_ID] = arrow.vectorFromArray(ids, new arrow.Utf8());
  columns[LOG_TIMESTAMP] = arrow.vectorFromArray(times, new arrow.TimestampMillisecond('UTC'));
  columns[FEATURE_VERSIONS] = arrow.vectorFromArray(new Array<string>(n).fill(schema.versions), new arrow.Utf8());
  schema.features.forEach((feature, f) => {
    columns[feature.name] = valueVector(values[f], feature.type);
    columns[timestampColumn(feature.name)] = arrow.vectorFromArray(stamps[f], new arrow.TimestampMillisecond('UTC'));
    columns[statusColumn(feature.name)] = arrow.vectorFromArray(statuses[f], new arrow.Utf8());
  });
  return new arrow.Table(columns);
}

function keyVector(values: unknown[], type: KeyType): arrow.Vector {
  return type === 'int64' ? int64Vector(values as (number | null)[]) : arrow.vectorFromArray(values as string[], new arrow.Utf8());
}

function valueVector(values: unknown[], type: FeatureType): arrow.Vector {
  if (type === 'int64') return int64Vector(values as (number | null)[]);
  if (type === 'float64') return arrow.vectorFromArray(values as (number | null)[], new arrow.Float64());
  if (type === 'bool') return arrow.vectorFromArray(values as (boolean | null)[], new arrow.Bool());
  return arrow.vectorFromArray(values as (string | null)[], new arrow.Utf8());
}

/** Arrow's Int64 builder wants bigints; served values are safe-integer numbers. */
export function int64Vector(values: (number | null)[]): arrow.Vector {
  const n = values.length;
  const data = new BigInt64Array(n);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) nulls++;
    else {
      data[i] = BigInt(v);
      bitmap[i >> 3] |= 1 << (i & 7);
    }
  }
  return arrow.makeVector(arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : undefined, data }));
}
