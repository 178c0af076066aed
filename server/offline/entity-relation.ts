import type { DuckDBConnection } from '@duckdb/node-api';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from '../domain/time.js';
import type { KeyType } from '../domain/value-type.js';
import { describeValue, type FieldError, validationError } from '../errors.js';
import { inputError, queryRows } from './duckdb-query.js';
import { ENTITY_TIMESTAMP, columnNameErrors, entityPath } from './entity-input.js';
import { describeBadTimestamp, MAX_ERRORS, summary as summarize } from './entity-json.js';
import { PARSED_TS, parseTextTimestamps } from './entity-timestamps.js';
import type { Scratch } from './scratch.js';
import { ident, literal } from './sql.js';

/** The input-order column the relation adds; an entity column may not use `__tessera_` names. */
export const ROW = '__tessera_row';
const RESERVED = /^(?:__tessera_|file_row_number$)/;

export interface EntityColumn {
  name: string;
  /** DuckDB type, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`. */
  type: string;
}

/** The validated entity rows, as SQL a retrieval selects from. */
export interface EntityRelation {
  /**
   * A subquery with `__tessera_row` (input order), each join key cast to its view type,
   * `event_timestamp` (TIMESTAMPTZ, whole milliseconds), and the extra columns as given. Columns that
   * already have their final type pass through untouched, so DuckDB reads them as a bare query would.
   */
  sql: string;
  rows: number;
  minTs: number | null;
  maxTs: number | null;
  keys: EntityColumn[];
  /** Columns other than keys and the timestamp (labels), in input order. */
  extras: EntityColumn[];
}

const INTEGER = /^(?:TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const DECIMAL = /^(?:FLOAT|DOUBLE|DECIMAL(?:\(\d+,\s*\d+\))?)$/;

/**
 * Checks the entity file against the join keys the request needs and builds the relation. Every
 * problem is a 400 naming the column (`entities.driver_id`) or the rows (`entities.driver_id[3]`, up to
 * MAX_ERRORS in all, as for JSON). A null join key is allowed: it matches no feature row, so that view's features come back null.
 */
export async function entityRelation(connection: DuckDBConnection, file: string, keys: { name: string; type: KeyType }[], scratch: Scratch): Promise<EntityRelation> {
  let columns: EntityColumn[];
  try {
    columns = (await queryRows(connection, `DESCRIBE SELECT * FROM read_parquet(${literal(file)})`)).map((c) => ({ name: String(c.column_name), type: String(c.column_type) }));
  } catch (e) {
    throw inputError(e, 'the entity rows cannot be read', scratch.dir);
  }
  const errors: FieldError[] = [];
  for (const c of columns) if (RESERVED.test(c.name)) errors.push({ path: entityPath(c.name), message: `'${c.name}' is a reserved column name; rename the column` });
  // Parquet uploads reach DuckDB unchecked: their names get the rules every other input's got.
  errors.push(
    ...columnNameErrors(
      columns.map((c) => c.name),
      (i) => entityPath(columns[i].name),
    ),
  );
  const byName = new Map(columns.map((c) => [c.name, c]));
  const ts = byName.get(ENTITY_TIMESTAMP);
  if (!ts) errors.push({ path: entityPath(ENTITY_TIMESTAMP), message: `the entity timestamp column '${ENTITY_TIMESTAMP}' is missing` });
  for (const k of keys) if (!byName.has(k.name)) errors.push({ path: entityPath(k.name), message: `the join key column '${k.name}' is missing` });
  if (errors.length) throw validationError(`invalid entity columns: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);

  // Timestamps as text that do not parse are named by their parser; the keys are still checked.
  const textErrors: FieldError[] = [];
  const side = ts!.type === 'VARCHAR' ? await parseTextTimestamps(connection, file, scratch, textErrors) : null;
  const tsExpr = side ? `t.${PARSED_TS}` : textErrors.length ? 'NULL' : timestampExpr(ts!);
  const keyExprs = keys.map((k) => keyExpr(byName.get(k.name)!, k.type));
  const source = `read_parquet(${literal(file)}, file_row_number = true) r${side ? ` POSITIONAL JOIN read_parquet(${literal(side)}) t` : ''}`;
  // A TIMESTAMPTZ (or naive TIMESTAMP, UTC) column of whole milliseconds is used as it is.
  const typedTs = !side && /^TIMESTAMP(?: WITH TIME ZONE)?$/.test(ts!.type);

  const badTs = `${tsExpr} IS NULL OR ${tsExpr} NOT BETWEEN ${MIN_TIMESTAMP_MS} AND ${MAX_TIMESTAMP_MS}`;
  const badKey = (i: number) => `r.${ident(keys[i].name)} IS NOT NULL AND (${keyExprs[i]}) IS NULL`;
  const checks = [
    `count(*) AS n`,
    `min(${tsExpr}) AS min_ts`,
    `max(${tsExpr}) AS max_ts`,
    `${textErrors.length ? 'false' : `bool_or(${badTs})`} AS bad_ts`,
    typedTs ? `coalesce(bool_and(epoch_us(r.${ident(ts!.name)}) % 1000 = 0), true) AS whole_ms` : 'false AS whole_ms',
    ...keys.map((_, i) => `bool_or(${badKey(i)}) AS bad_${i}`),
  ];
  const [summary] = await queryRows(connection, `SELECT ${checks.join(', ')} FROM ${source}`);
  // Every bad cell is named, column by column in input order, up to MAX_ERRORS in all, as for JSON.
  const bad: { column: EntityColumn; where: string; message: (raw: string | null) => string }[] = [];
  if (summary.bad_ts === true) bad.push({ column: ts!, where: badTs, message: (raw) => describeBadTimestamp(raw) });
  keys.forEach((k, i) => {
    if (summary[`bad_${i}`] === true)
      bad.push({ column: byName.get(k.name)!, where: badKey(i), message: (raw) => `${describeValue(raw)} is not ${k.type === 'int64' ? 'an integer (int64) join key' : 'a string join key'}` });
  });
  if (bad.length || textErrors.length) {
    for (const c of columns) {
      if (c === ts && textErrors.length) errors.push(...textErrors.slice(0, MAX_ERRORS - errors.length));
      const b = bad.find((x) => x.column === c);
      if (!b || errors.length >= MAX_ERRORS) continue;
      const rows = await queryRows(
        connection,
        `SELECT r.file_row_number AS row, CAST(r.${ident(c.name)} AS VARCHAR) AS v FROM ${source} WHERE ${b.where} ORDER BY r.file_row_number LIMIT ${MAX_ERRORS - errors.length}`,
      );
      for (const r of rows) errors.push({ path: entityPath(c.name, r.row as bigint), message: b.message((r.v as string | null) ?? null) });
    }
    throw validationError(summarize(errors), errors);
  }
  const tsColumn = `r.${ident(ENTITY_TIMESTAMP)}`;
  const timestamp = typedTs && summary.whole_ms === true ? (ts!.type === 'TIMESTAMP' ? `CAST(${tsColumn} AS TIMESTAMPTZ)` : tsColumn) : `make_timestamptz(${tsExpr} * 1000)`;

  const keyNames = new Set(keys.map((k) => k.name));
  const extras = columns.filter((c) => c.name !== ENTITY_TIMESTAMP && !keyNames.has(c.name));
  const select = [`r.file_row_number AS ${ROW}`, ...keys.map((k, i) => `${keyExprs[i]} AS ${ident(k.name)}`), `${timestamp} AS ${ident(ENTITY_TIMESTAMP)}`, ...extras.map((c) => `r.${ident(c.name)}`)];
  const n = Number(summary.n);
  return {
    sql: `(SELECT ${select.join(', ')} FROM ${source})`,
    rows: n,
    minTs: n && summary.min_ts !== null ? Number(summary.min_ts) : null,
    maxTs: n && summary.max_ts !== null ? Number(summary.max_ts) : null,
    keys: keys.map((k) => ({ name: k.name, type: k.type === 'int64' ? 'BIGINT' : 'VARCHAR' })),
    extras,
  };
}

/** Epoch ms of the entity timestamp, by the column's type; a naive timestamp is UTC. */
function timestampExpr(column: EntityColumn): string {
  const c = `r.${ident(column.name)}`;
  if (column.type === 'TIMESTAMP WITH TIME ZONE') return `epoch_ms(${c})`;
  if (/^(?:TIMESTAMP(?:_S|_MS|_NS)?|DATE)$/.test(column.type)) return `epoch_ms(CAST(${c} AS TIMESTAMP))`;
  if (INTEGER.test(column.type)) return `TRY_CAST(${c} AS BIGINT)`;
  if (DECIMAL.test(column.type)) return `CASE WHEN isfinite(CAST(${c} AS DOUBLE)) THEN TRY_CAST(floor(${c}) AS BIGINT) END`;
  throw typeError(column, 'a timestamp, epoch milliseconds or RFC 3339 text');
}

/** The key cast to its view's type; NULL where a non-null value does not convert (checked above). */
function keyExpr(column: EntityColumn, type: KeyType): string {
  const c = `r.${ident(column.name)}`;
  if (type === 'string') {
    if (column.type === 'VARCHAR') return c;
    if (INTEGER.test(column.type)) return `CAST(${c} AS VARCHAR)`;
    throw typeError(column, 'text (the join key is a string)');
  }
  if (column.type === 'BIGINT') return c;
  if (INTEGER.test(column.type)) return `TRY_CAST(${c} AS BIGINT)`;
  // TRY_CAST('1.5' AS BIGINT) rounds to 2: text must look like an integer.
  if (column.type === 'VARCHAR') return `CASE WHEN regexp_full_match(trim(${c}), '[-+]?[0-9]+') THEN TRY_CAST(trim(${c}) AS BIGINT) END`;
  if (DECIMAL.test(column.type)) return `CASE WHEN ${c} = trunc(${c}) THEN TRY_CAST(${c} AS BIGINT) END`;
  throw typeError(column, 'integers (the join key is int64)');
}

function typeError(column: EntityColumn, expected: string) {
  return validationError(`entity column '${column.name}' has type ${column.type}; expected ${expected}`, [{ path: entityPath(column.name), message: `has type ${column.type}; expected ${expected}` }]);
}
