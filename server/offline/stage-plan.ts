import type { FeatureType, KeyType } from '../domain/value-type.js';
import { type Column, numericColumn, stringColumn } from '../columns/column.js';
import { type OutputBatch, type OutputColumnData, onehotColumn } from '../pipelines/output-batch.js';
import { integerText } from '../pipelines/row-batch.js';
import type { StageData, StageKind } from './chunk-appender.js';
import { ident } from './sql.js';

/** A run's rows as DuckDB stages them, and the SQL that turns a staged row into an offline row. */
export interface StagePlan {
  /** Staging columns, in table order: `s` (read order), keys, `t`, `c`?, then feature values. */
  columns: { name: string; kind: StageKind }[];
  /** The offline file's columns, in file order: each an SQL expression over the staging columns. */
  outputs: string[];
  /** The staging columns that identify a row: the keys, then `t`. */
  identity: string[];
  /** Picks this plan's staging columns out of one batch (same shape as the batch it was made from). */
  data(batch: OutputBatch, seq: Float64Array): StageData[];
  /** The inverse: a batch from staging columns read back (every column but `s`, in table order). */
  batch(values: readonly StageData[], length: number): OutputBatch;
}

/**
 * The int64 columns staged as decimal text because a batch held a value beyond 2^53 (a DOUBLE would
 * round it): join key indexes and output column indexes.
 */
export interface WideColumns {
  keys: ReadonlySet<number>;
  values: ReadonlySet<number>;
}

export const NO_WIDE_COLUMNS: WideColumns = { keys: new Set(), values: new Set() };

/** The int64 columns of `batch` held as text (a value beyond 2^53), added to `wide`; null when there is none new. */
export function widerColumns(batch: OutputBatch, layout: StageKeys, wide: WideColumns): WideColumns | null {
  const keys = new Set(wide.keys);
  const values = new Set(wide.values);
  layout.keys.forEach((k, i) => {
    if (k.type === 'int64' && batch.keys[i].kind === 'string') keys.add(i);
  });
  batch.columns.forEach((c, j) => {
    if (c.type === 'int64' && !c.onehot && c.column.kind === 'string') values.add(j);
  });
  return keys.size > wide.keys.size || values.size > wide.values.size ? { keys, values } : null;
}

export interface StageKeys {
  keys: { name: string; type: KeyType }[];
  hasCreated: boolean;
}

const NAN = "'nan'::DOUBLE";
/** Epoch ms (a whole number in a DOUBLE) as TIMESTAMPTZ: files carry TIMESTAMP(MICROS, UTC). */
const instant = (column: string) => `epoch_ms(CAST(nullif(${column}, ${NAN}) AS BIGINT)) AT TIME ZONE 'UTC'`;

function valueSql(column: string, type: FeatureType): string {
  switch (type) {
    case 'float64':
      return `nullif(${column}, ${NAN})`;
    case 'int64':
      return `CAST(nullif(${column}, ${NAN}) AS BIGINT)`;
    case 'bool':
      return `CAST(nullif(${column}, ${NAN}) AS BOOLEAN)`;
    case 'string':
      return column;
  }
}

/**
 * The staging layout of a run's output batches, made from the first one. Numbers stay DOUBLE (NaN
 * for null) and become their file type in SQL; a one-hot feature is staged as one INTEGER code (the
 * index of its 1) and expanded into its 0/1 columns in SQL, so its rows cross into DuckDB once, not
 * once per category.
 */
export function stagePlan(first: OutputBatch, layout: StageKeys, wide: WideColumns = NO_WIDE_COLUMNS): StagePlan {
  const columns: StagePlan['columns'] = [{ name: 's', kind: 'double' }];
  const outputs: string[] = [];
  const pickers: ((batch: OutputBatch) => StageData)[] = [];
  const identity: string[] = [];
  layout.keys.forEach((key, i) => {
    if (wide.keys.has(i)) {
      columns.push({ name: `k${i}`, kind: 'varchar' });
      outputs.push(`CAST(k${i} AS BIGINT) AS ${ident(key.name)}`);
      identity.push(`CAST(k${i} AS BIGINT)`);
      pickers.push((b) => asText(b.keys[i]));
      return;
    }
    columns.push({ name: `k${i}`, kind: key.type === 'string' ? 'varchar' : 'double' });
    outputs.push(`${key.type === 'string' ? `k${i}` : `CAST(k${i} AS BIGINT)`} AS ${ident(key.name)}`);
    identity.push(`k${i}`);
    pickers.push((b) => numbersOrStrings(b.keys[i]));
  });
  columns.push({ name: 't', kind: 'double' });
  outputs.push(`${instant('t')} AS event_timestamp`);
  pickers.push((b) => b.eventTs);
  if (layout.hasCreated) {
    columns.push({ name: 'c', kind: 'double' });
    outputs.push(`${instant('c')} AS created_timestamp`);
    pickers.push((b) => b.createdTs!);
  }
  let group = -1;
  let groupCodes: Int32Array | null = null;
  first.columns.forEach((column, j) => {
    if (column.onehot) {
      // The columns of one encoded feature share their codes array and come one after another.
      if (column.onehot.codes !== groupCodes) {
        group++;
        groupCodes = column.onehot.codes;
        columns.push({ name: `g${group}`, kind: 'integer' });
        pickers.push((b) => b.columns[j].onehot!.codes);
      }
      outputs.push(`CAST(g${group} = ${column.onehot.index} AS BIGINT) AS ${ident(column.name)}`);
      return;
    }
    groupCodes = null;
    if (wide.values.has(j)) {
      columns.push({ name: `v${j}`, kind: 'varchar' });
      outputs.push(`CAST(v${j} AS BIGINT) AS ${ident(column.name)}`);
      pickers.push((b) => asText(b.columns[j].column));
      return;
    }
    columns.push({ name: `v${j}`, kind: column.type === 'string' ? 'varchar' : 'double' });
    outputs.push(`${valueSql(`v${j}`, column.type)} AS ${ident(column.name)}`);
    pickers.push((b) => numbersOrStrings(b.columns[j].column));
  });
  const keyCount = layout.keys.length;
  const valuesAt = layout.hasCreated ? keyCount + 2 : keyCount + 1;
  return {
    columns,
    outputs,
    identity: [...identity, 't'],
    data: (batch, seq) => [seq, ...pickers.map((pick) => pick(batch))],
    batch(values, length) {
      let at = valuesAt;
      let codes: Int32Array | null = null;
      const out: OutputColumnData[] = first.columns.map((column) => {
        if (column.onehot) {
          if (column.onehot.index === 0 || codes === null) codes = values[at++] as Int32Array;
          return onehotColumn(column.name, codes, column.onehot.index);
        }
        codes = null;
        return { name: column.name, type: column.type, column: toColumn(values[at++]) };
      });
      return {
        length,
        keys: values.slice(0, keyCount).map(toColumn),
        eventTs: values[keyCount] as Float64Array,
        createdTs: layout.hasCreated ? (values[keyCount + 1] as Float64Array) : null,
        columns: out,
      };
    },
  };
}

function toColumn(data: StageData): Column {
  if (data instanceof Float64Array) return numericColumn(data);
  if (data instanceof Int32Array) throw new Error('codes are not a column');
  return stringColumn(data.codes, data.dictionary);
}

/** An int64 column staged as text: numbers become their digits. */
function asText(column: Column): StageData {
  return column.kind === 'string' ? column : integerText(column.values);
}

/** The SQL that turns staged column `name` of kind double into the text an int64 column is staged as after widening. */
export function widenedSql(name: string): string {
  return `CAST(CAST(nullif(${name}, ${NAN}) AS BIGINT) AS VARCHAR)`;
}

function numbersOrStrings(column: OutputBatch['keys'][number]): StageData {
  return column.kind === 'numeric' ? column.values : column;
}
