import { type Column, numericColumnFrom, stringColumnFrom } from '../columns/column.js';
import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import { type JoinKeyValue, joinKeyOf, joinKeyProblem } from '../domain/join-key-value.js';
import { TIMESTAMP_FORMS } from '../domain/time.js';
import type { FeatureType } from '../domain/value-type.js';
import { describeValue, type FieldError, TesseraError } from '../errors.js';
import { noRowContext, orderByEntity } from '../pipelines/entity-order.js';
import { carriesValues, inputOf, type OutputBatch, type OutputColumnData, transformBatch } from '../pipelines/output-batch.js';
import { type RowBatch, takeRows } from '../pipelines/row-batch.js';
import { tieWinners } from '../pipelines/tie-winners.js';
import { outputSchema } from '../registry/output-schema.js';
import { joinKeysOf } from '../registry/view-definition.js';
import { toBool, toFloat64, toInt64, toStringValue, toTimestampMs } from '../sources/coerce.js';
import { TransformRowError } from '../transforms/state.js';
import type { PushFrame } from './push-frame.js';

const COERCE: Record<FeatureType, (v: unknown) => number | bigint | string | boolean | null | undefined> = {
  float64: toFloat64,
  // Beyond 2^53 an int64 value is exact too (a BigInt, or decimal text), as a key is.
  int64: toInt64Value,
  bool: toBool,
  string: toStringValue,
};

export interface PushRowsOptions {
  /** Column names that may hold the event time, first present wins (the push source's field; Feast's `event_timestamp`). */
  timestamp: string[];
  /** The same for the created time; absent columns leave it null. */
  created: string[];
  /** true: the frame holds raw source columns and the version's frozen transforms are applied; false: it holds output columns, written as they are. */
  transform: boolean;
  /** The version's fitted states (an unfitted version without transforms: empty). */
  states: Record<string, unknown[]>;
  /** The ffill carry of the version (entity -> last value), read only when a feature uses ffill. */
  carry: () => Promise<Record<string, Map<string, number | string>>>;
  /** Where the frame sits in the request, for error paths. */
  path: string;
}

/**
 * A pushed frame as one view version's output rows: join keys, event and created times, and the
 * feature columns, through the same coercion and the same frozen transforms as a pipeline run. Every
 * problem is collected and thrown at once (400 naming `df.<column>[row]`), before anything is written.
 */
export async function pushRows(frame: PushFrame, version: FeatureViewVersion, options: PushRowsOptions): Promise<OutputBatch> {
  const errors: FieldError[] = [];
  const n = frame.length;
  const at = (name: string) => `${options.path}.${name}`;
  const read = (name: string, coerce: (v: unknown) => unknown, what: string, required: boolean): unknown[] | null => {
    const get = frame.column(name);
    if (!get) {
      if (required) errors.push({ path: at(name), message: 'missing: the view needs this column' });
      return null;
    }
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const raw = get(i);
      const v = coerce(raw);
      if (v === undefined) errors.push({ path: `${at(name)}[${i}]`, message: `${describeValue(raw)} is not ${what}` });
      else if (v === null && required && what !== 'a value') errors.push({ path: `${at(name)}[${i}]`, message: 'must not be null' });
      out[i] = v ?? null;
    }
    return out;
  };

  // Join keys by the rule every way in shares (join-key-value.ts), so a pushed "5001" is the key an
  // online read of "5001" looks up; a pushed row needs its keys.
  const keys: Column[] = joinKeysOf(version.definition).map((k) => {
    const get = frame.column(k.name);
    if (!get) errors.push({ path: at(k.name), message: 'missing: the view needs this column' });
    const values = new Array<JoinKeyValue | null>(get ? n : 0);
    for (let i = 0; get && i < n; i++) {
      const raw = get(i);
      const v = joinKeyOf(k.type, raw);
      if (v === undefined) errors.push({ path: `${at(k.name)}[${i}]`, message: joinKeyProblem(k.type, raw) });
      else if (v === null) errors.push({ path: `${at(k.name)}[${i}]`, message: 'must not be null: a pushed row needs its join key' });
      values[i] = v ?? null;
    }
    return k.type === 'string' ? stringColumnFrom(values as (string | null)[]) : valueColumn(values);
  });
  const tsName = options.timestamp.find((c) => frame.column(c) !== undefined) ?? options.timestamp[0];
  const eventTs = Float64Array.from(read(tsName, toTimestampMs, A_TIMESTAMP, true) ?? [], (v) => (v === null ? Number.NaN : (v as number)));
  const createdName = options.created.find((c) => frame.column(c) !== undefined);
  const created = createdName ? read(createdName, toTimestampMs, A_TIMESTAMP, false) : null;
  const createdTs = options.created.length === 0 ? null : Float64Array.from({ length: n }, (_, i) => (created?.[i] ?? Number.NaN) as number);

  if (!options.transform) {
    const schema = outputSchema(version.definition, version.fittedState);
    if (!schema) throw new TesseraError('conflict', `version ${version.version} of '${version.view}' has not been materialized yet, so its output columns are not known`, []);
    const columns: OutputColumnData[] = schema.map((c) => {
      const binary = c.name !== c.feature;
      const values = read(c.name, COERCE[c.type], binary ? '0 or 1' : `a ${c.type}`, false) ?? new Array(n).fill(null);
      if (binary) values.forEach((v, i) => v !== 0 && v !== 1 && errors.push({ path: `${at(c.name)}[${i}]`, message: 'a one-hot column holds 0 or 1' }));
      return { name: c.name, type: c.type, binary, column: c.type === 'string' ? stringColumnFrom(values as (string | null)[]) : valueColumn(values) };
    });
    if (errors.length) throw invalid(errors);
    return { length: n, keys, eventTs, createdTs, columns };
  }

  const inputs = new Map<string, Column>();
  for (const f of version.definition.features) {
    const name = inputOf(f);
    if (inputs.has(name)) continue;
    const values = read(name, COERCE[f.type], `a ${f.type}`, false);
    if (values === null) {
      errors.push({ path: at(name), message: `missing: feature '${f.name}' reads this column (send null values for a row without one)` });
      continue;
    }
    inputs.set(name, f.type === 'string' ? stringColumnFrom(values as (string | null)[]) : valueColumn(values));
  }
  if (errors.length) throw invalid(errors);

  const batch: RowBatch = { length: n, keys, eventTs, createdTs, inputs };
  const features = version.definition.features;
  const hasFfill = features.some(carriesValues);
  try {
    if (!hasFfill) return transformBatch(batch, features, options.states, noRowContext(), {});
    // ffill reads each entity's rows in event-time order, starting from the value the latest run left.
    let ordered = orderByEntity(batch);
    // A row that loses a tie on keys and event time is never stored (the snapshot and the online store
    // keep the winner), so ffill must not fill from it, as in a run. Ordered, tied rows sit side by
    // side: one pass finds them, and only a push that has some pays for dropping them.
    const winners = hasTies(ordered.batch.eventTs, ordered.rows.entityIds) ? tieWinners(batch) : null;
    if (winners) ordered = orderByEntity(takeRows(batch, winners));
    return transformBatch(ordered.batch, features, options.states, ordered.rows, await options.carry());
  } catch (e) {
    if (!(e instanceof TransformRowError)) throw e;
    const feature = features.find((f) => f.name === e.feature);
    const path = at(feature ? inputOf(feature) : e.feature);
    throw new TesseraError('transform_error', `${path}: ${e.message}`, [{ path, message: e.reason }], { cause: e });
  }
}

/** Whether two rows in entity order share their entity and event time. */
function hasTies(eventTs: Float64Array, entityIds: Int32Array): boolean {
  for (let i = 1; i < entityIds.length; i++) if (entityIds[i] === entityIds[i - 1] && eventTs[i] === eventTs[i - 1]) return true;
  return false;
}

const A_TIMESTAMP = `a timestamp (${TIMESTAMP_FORMS})`;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DIGITS = /^-?\d+$/;

/** An int64 feature value: a number within 2^53, else an exact BigInt (a JSON integer or decimal text up to 2^63-1). Join keys have their own rule (join-key-value.ts). */
function toInt64Value(v: unknown): number | bigint | null | undefined {
  const wide = typeof v === 'bigint' ? v : typeof v === 'string' && DIGITS.test(v) && !Number.isSafeInteger(Number(v)) ? BigInt(v) : null;
  if (wide === null) return toInt64(v);
  if (wide < INT64_MIN || wide > INT64_MAX) return undefined;
  return Number.isSafeInteger(Number(wide)) ? Number(wide) : wide;
}

/**
 * A numeric column; one holding an int64 beyond 2^53 (a BigInt) is carried as exact decimal text
 * instead, as a pipeline run carries it (a double would round it).
 */
function valueColumn(values: unknown[]): Column {
  if (values.some((v) => typeof v === 'bigint')) return stringColumnFrom(values.map((v) => (v === null ? null : String(v))));
  return numericColumnFrom(values as (number | boolean | null)[]);
}

function invalid(errors: FieldError[]): TesseraError {
  const shown = errors.slice(0, 20);
  return new TesseraError(
    'validation',
    `invalid rows: ${shown.map((e) => `${e.path}: ${e.message}`).join('; ')}${errors.length > shown.length ? `; and ${errors.length - shown.length} more` : ''}`,
    shown,
  );
}
