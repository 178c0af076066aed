import * as arrow from '../vendor/arrow.cjs';
import { arrowFromColumn } from '../columns/arrow-convert.js';
import { type JoinKeyValue, joinKeyOf, joinKeyProblem } from '../domain/join-key-value.js';
import { parseTimestamp, TIMESTAMP_FORMS } from '../domain/time.js';
import type { KeyType } from '../domain/value-type.js';
import { describeValue, type FieldError, validationError } from '../errors.js';
import { ENTITY_TIMESTAMP, columnNameErrors, entityPath } from './entity-input.js';

/** The bad cells an entity input names at most, over all its columns (its summary shows the first 3). */
export const MAX_ERRORS = 20;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A join key the entity rows carry, with its views' type. */
export interface EntityKey {
  name: string;
  type: KeyType;
}

/**
 * JSON entity columns -> an Arrow table, columns in input order. The shape is checked here (arrays of
 * equal length, scalar values, one JSON type per column), the timestamps parsed with Tessera's own
 * parser, and the join keys read by the rule online reads and push share (join-key-value.ts), so
 * `"5001"` is the key 5001 here as there; a null key is allowed (it matches no feature row). Other
 * columns take their type from their values; one mixing numbers and strings becomes strings.
 */
export function entityTableFromColumns(columns: Record<string, unknown[]>, keys: readonly EntityKey[] = []): arrow.Table {
  const errors: FieldError[] = [];
  const names = Object.keys(columns);
  if (names.length === 0) throw validationError('the entity rows have no columns', [{ path: 'entities', message: `needs the join keys and '${ENTITY_TIMESTAMP}'` }]);
  errors.push(...columnNameErrors(names, (i) => entityPath(names[i])));
  const lengths = names.map((n) => (Array.isArray(columns[n]) ? columns[n].length : -1));
  names.forEach((n, i) => {
    if (lengths[i] < 0) errors.push({ path: entityPath(n), message: 'must be an array of values, one per entity row' });
  });
  const valid = names.filter((_, i) => lengths[i] >= 0);
  const expected = valid.includes(ENTITY_TIMESTAMP) ? columns[ENTITY_TIMESTAMP].length : valid.length ? columns[valid[0]].length : 0;
  const reference = valid.includes(ENTITY_TIMESTAMP) ? ENTITY_TIMESTAMP : valid[0];
  for (const n of valid) {
    if (columns[n].length !== expected)
      errors.push({ path: entityPath(n), message: `has ${columns[n].length} values but '${reference}' has ${expected}: every column needs one value per entity row` });
  }
  if (errors.length) throw validationError(summary(errors), errors);
  const fields: arrow.Field[] = [];
  const children: arrow.Data[] = [];
  for (const name of names) {
    const key = keys.find((k) => k.name === name);
    const data = name === ENTITY_TIMESTAMP ? timestamps(columns[name], errors) : key ? keyColumn(key, columns[name], errors) : inferred(name, columns[name], errors);
    if (!data) continue;
    fields.push(new arrow.Field(name, data.type, true));
    children.push(data);
  }
  if (errors.length) throw validationError(summary(errors), errors.slice(0, MAX_ERRORS));
  const schema = new arrow.Schema(fields);
  const batch = new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(fields), length: expected, nullCount: 0, children }));
  return new arrow.Table(schema, [batch]);
}

const NESTED = 'must be a number, a string, a boolean or null (nested values are not entity columns)';

/**
 * A 400 naming the first nested value (an array or object) of each column, for callers that read the
 * columns before `entityTableFromColumns` does: a dataset hashes them, and a value nested thousands of
 * levels deep overflows the stack of a recursive walk.
 */
export function refuseNestedValues(columns: Record<string, unknown>): void {
  const errors: FieldError[] = [];
  for (const [name, values] of Object.entries(columns)) {
    if (!Array.isArray(values)) continue;
    const i = values.findIndex((v) => typeof v === 'object' && v !== null);
    if (i >= 0 && errors.length < MAX_ERRORS) errors.push({ path: entityPath(name, i), message: NESTED });
  }
  if (errors.length) throw validationError(summary(errors), errors);
}

export function summary(errors: FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`);
  return `invalid entity rows: ${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
}

function timestamps(values: unknown[], errors: FieldError[]): arrow.Data | null {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ms = v === null || v === undefined || typeof v === 'boolean' ? null : parseTimestamp(v);
    if (ms === null) {
      if (errors.length < MAX_ERRORS) errors.push({ path: entityPath(ENTITY_TIMESTAMP, i), message: describeBadTimestamp(v) });
      out[i] = 0;
    } else out[i] = ms;
  }
  return arrowFromColumn({ kind: 'numeric', values: out }, 'timestamp');
}

export function describeBadTimestamp(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'missing: every entity row needs a timestamp';
  return `${describeValue(v)} is not a timestamp: use ${TIMESTAMP_FORMS}`;
}

function keyColumn(key: EntityKey, values: unknown[], errors: FieldError[]): arrow.Data {
  const out = new Array<JoinKeyValue | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = joinKeyOf(key.type, values[i]);
    if (v === undefined && errors.length < MAX_ERRORS) errors.push({ path: entityPath(key.name, i), message: joinKeyProblem(key.type, values[i]) });
    out[i] = v ?? null;
  }
  return key.type === 'int64' ? int64s(out as (number | bigint | null)[]) : arrow.vectorFromArray(out as (string | null)[], new arrow.Utf8()).data[0];
}

type Kind = 'number' | 'string' | 'boolean';

/** One Arrow type per column from its JSON values: bool, int64, float64 or string. */
function inferred(name: string, values: unknown[], errors: FieldError[]): arrow.Data | null {
  let kind: Kind | 'mixed' | null = null;
  let integral = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    // A BigInt is an integer beyond 2^53 read exactly from the JSON body: an int64 like any integer.
    const t = typeof v === 'bigint' ? 'number' : typeof v;
    if (t !== 'number' && t !== 'string' && t !== 'boolean') {
      errors.push({ path: entityPath(name, i), message: NESTED });
      return null;
    }
    if (typeof v === 'bigint' && (v < INT64_MIN || v > INT64_MAX)) {
      errors.push({ path: entityPath(name, i), message: 'is beyond the 64-bit integer range' });
      return null;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        errors.push({ path: entityPath(name, i), message: 'must be a finite number' });
        return null;
      }
      if (!Number.isSafeInteger(v)) integral = false;
    }
    if (kind === null) kind = t as Kind;
    else if (kind !== t) {
      if ((kind === 'number' || kind === 'string' || kind === 'mixed') && (t === 'number' || t === 'string')) kind = 'mixed';
      else {
        errors.push({ path: entityPath(name, i), message: `is a ${t} but the column's earlier values are ${kind === 'mixed' ? 'numbers and strings' : `${kind}s`}` });
        return null;
      }
    }
  }
  const n = values.length;
  if (kind === 'number' && integral) return int64s(values as (number | bigint | null)[]);
  if (kind === 'number') return arrowFromColumn({ kind: 'numeric', values: Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v))) }, 'float64');
  if (kind === 'boolean') return arrowFromColumn({ kind: 'numeric', values: Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : v ? 1 : 0)) }, 'bool');
  const strings = new Array<string | null>(n);
  for (let i = 0; i < n; i++) strings[i] = values[i] === null || values[i] === undefined ? null : String(values[i]);
  return arrow.vectorFromArray(strings, new arrow.Utf8()).data[0];
}

function int64s(values: (number | bigint | null)[]): arrow.Data {
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
  return arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: nulls, nullBitmap: nulls ? bitmap : undefined, data });
}
