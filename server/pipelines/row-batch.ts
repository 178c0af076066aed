import type { RecordBatch } from '../vendor/arrow.cjs';
import { columnFromArrow } from '../columns/arrow-convert.js';
import { type Column, type StringColumn, columnLength, numericColumn, stringColumn, stringColumnFrom } from '../columns/column.js';

/** Rows of one run in columns: join keys, event and created times (epoch ms), and source inputs. */
export interface RowBatch {
  length: number;
  keys: Column[];
  eventTs: Float64Array;
  /** null when the source has no created timestamp. */
  createdTs: Float64Array | null;
  /** Source columns the features read, by name. */
  inputs: Map<string, Column>;
}

export interface BatchLayout {
  keyColumns: string[];
  timestampColumn: string;
  createdColumn: string | null;
  inputColumns: string[];
}

/** Arrow batch from a source connector -> RowBatch, by column name. */
export function rowBatchFromArrow(batch: RecordBatch, layout: BatchLayout): RowBatch {
  const column = (name: string): Column => {
    const child = batch.getChild(name);
    if (!child) throw new Error(`the source batch has no column '${name}'`);
    return columnFromArrow(child);
  };
  const numeric = (name: string) => {
    const c = column(name);
    if (c.kind !== 'numeric') throw new Error(`column '${name}' should be a timestamp`);
    return c.values;
  };
  return {
    length: batch.numRows,
    keys: layout.keyColumns.map(column),
    eventTs: numeric(layout.timestampColumn),
    createdTs: layout.createdColumn ? numeric(layout.createdColumn) : null,
    inputs: new Map(layout.inputColumns.map((name) => [name, column(name)])),
  };
}

/** The rows at `indices`, in that order. */
export function takeRows(batch: RowBatch, indices: Int32Array): RowBatch {
  const inputs = new Map<string, Column>();
  for (const [name, c] of batch.inputs) inputs.set(name, takeColumn(c, indices));
  return {
    length: indices.length,
    keys: batch.keys.map((c) => takeColumn(c, indices)),
    eventTs: takeFloat(batch.eventTs, indices),
    createdTs: batch.createdTs ? takeFloat(batch.createdTs, indices) : null,
    inputs,
  };
}

export function takeColumn(column: Column, indices: Int32Array): Column {
  if (column.kind === 'numeric') return numericColumn(takeFloat(column.values, indices));
  const codes = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) codes[i] = column.codes[indices[i]];
  return stringColumn(codes, column.dictionary);
}

function takeFloat(values: Float64Array, indices: Int32Array): Float64Array {
  const out = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = values[indices[i]];
  return out;
}

/** Concatenates columns of one kind; string dictionaries are merged into one. */
export function concatColumns(columns: Column[]): Column {
  if (columns.length === 1) return columns[0];
  const total = columns.reduce((n, c) => n + columnLength(c), 0);
  if (columns.every((c) => c.kind === 'numeric')) {
    const out = new Float64Array(total);
    let at = 0;
    for (const c of columns) {
      out.set(c.values, at);
      at += c.values.length;
    }
    return numericColumn(out);
  }
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  const codes = new Int32Array(total);
  let at = 0;
  for (const column of columns) {
    // Only int64 columns mix kinds: batches with a value beyond 2^53 hold decimal text.
    const c = column.kind === 'numeric' ? integerText(column.values) : column;
    const remap = c.dictionary.map((v) => {
      let code = index.get(v);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(v);
        index.set(v, code);
      }
      return code;
    });
    for (let i = 0; i < c.codes.length; i++) codes[at + i] = c.codes[i] < 0 ? -1 : remap[c.codes[i]];
    at += c.codes.length;
  }
  return stringColumn(codes, dictionary);
}

/** Whole numbers as a decimal-text column (NaN: null). */
export function integerText(values: Float64Array): StringColumn {
  const text: (string | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) text[i] = values[i] === values[i] ? String(values[i]) : null;
  return stringColumnFrom(text);
}

export function concatBatches(batches: RowBatch[]): RowBatch {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const inputs = new Map<string, Column>();
  for (const name of first.inputs.keys()) inputs.set(name, concatColumns(batches.map((b) => b.inputs.get(name)!)));
  const floats = (pick: (b: RowBatch) => Float64Array) => (concatColumns(batches.map((b) => numericColumn(pick(b)))) as { values: Float64Array }).values;
  return {
    length: batches.reduce((n, b) => n + b.length, 0),
    keys: first.keys.map((_, k) => concatColumns(batches.map((b) => b.keys[k]))),
    eventTs: floats((b) => b.eventTs),
    createdTs: first.createdTs ? floats((b) => b.createdTs!) : null,
    inputs,
  };
}

/** The entity key of row i as text: key values joined by \u0001 (the form ffill's carry and logs use). */
export function entityKeyAt(keys: Column[], i: number): string {
  let out = '';
  for (let k = 0; k < keys.length; k++) {
    const c = keys[k];
    const v = c.kind === 'numeric' ? String(c.values[i]) : c.dictionary[c.codes[i]];
    out = k === 0 ? v : `${out}\u0001${v}`;
  }
  return out;
}
