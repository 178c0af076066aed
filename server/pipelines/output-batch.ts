import { type Column, valueAt } from '../columns/column.js';
import type { FeatureInput } from '../domain/feature-view.js';
import { stepSpec } from '../domain/transform-spec.js';
import { formatTimestamp } from '../domain/time.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import { applyChain, fitStates } from '../transforms/chain.js';
import { TransformRowError } from '../transforms/state.js';
import type { RowContext } from '../transforms/transform.js';
import { concatColumns, type RowBatch, takeColumn } from './row-batch.js';

export interface OutputColumnData {
  name: string;
  type: FeatureType;
  column: Column;
  /** A one-hot column: only 0 and 1, never null. */
  binary?: boolean;
}

/** Rows as the offline and online stores receive them: keys, times, and transformed feature columns. */
export interface OutputBatch {
  length: number;
  keys: Column[];
  eventTs: Float64Array;
  createdTs: Float64Array | null;
  columns: OutputColumnData[];
}

/** The source column a feature reads. */
export function inputOf(feature: FeatureInput): string {
  return feature.from ?? feature.name;
}

/** ffill reads and updates a carry of its own per feature; other steps ignore the row context. */
function contextFor(feature: FeatureInput, rows: RowContext, carry: Record<string, Map<string, number | string>>): RowContext {
  if (!feature.transforms.some((t) => t.impute?.strategy === 'ffill')) return rows;
  return { ...rows, carry: (carry[feature.name] ??= new Map()) };
}

/** Fits every feature's chain on the fit rows; returns one list of step states per feature. */
export function fitFeatures(batch: RowBatch, features: FeatureInput[], rows: RowContext, origin?: RowOrigin): Record<string, unknown[]> {
  const states: Record<string, unknown[]> = {};
  // Fitting must not move the run's real carry: it gets a scratch one.
  const scratch: Record<string, Map<string, number | string>> = {};
  for (const f of features) {
    try {
      states[f.name] = fitStates(f.name, f.type, f.transforms.map(stepSpec), batch.inputs.get(inputOf(f))!, contextFor(f, rows, scratch));
    } catch (e) {
      if (e instanceof TransformRowError && origin) throw rowError(e, batch, inputOf(f), origin);
      throw e;
    }
  }
  return states;
}

/**
 * Applies the frozen states of every feature to a batch. ffill features read and update their entry
 * of `carry` (entity key -> last value), which the caller keeps across batches and runs.
 */
export function transformBatch(
  batch: RowBatch,
  features: FeatureInput[],
  states: Record<string, unknown[]>,
  rows: RowContext,
  carry: Record<string, Map<string, number | string>>,
  origin?: RowOrigin,
): OutputBatch {
  const columns: OutputColumnData[] = [];
  for (const f of features) {
    let outputs: ReturnType<typeof applyChain>;
    try {
      outputs = applyChain(f.name, f.type, f.transforms.map(stepSpec), states[f.name] ?? [], batch.inputs.get(inputOf(f))!, contextFor(f, rows, carry));
    } catch (e) {
      if (e instanceof TransformRowError && origin) throw rowError(e, batch, inputOf(f), origin);
      throw e;
    }
    for (const o of outputs) columns.push({ name: o.suffix ? `${f.name}__${o.suffix}` : f.name, type: o.type, column: o.column, binary: o.suffix !== '' });
  }
  return { length: batch.length, keys: batch.keys, eventTs: batch.eventTs, createdTs: batch.createdTs, columns };
}

/** Where a batch's rows come from, to name the row a transform fails on. */
export interface RowOrigin {
  source: string;
  keyNames: string[];
}

/**
 * A transform error naming the source, the column and the row (its join keys and event time). A fit
 * from collected columns has no keys or times to name: the error says it was a fit row.
 */
function rowError(e: TransformRowError, batch: RowBatch, column: string, origin: RowOrigin): TesseraError {
  let row = 'a row of the fit';
  if (batch.keys.length === origin.keyNames.length && batch.eventTs.length > e.row) {
    const keys = origin.keyNames.map((name, k) => `${name}=${JSON.stringify(valueAt(batch.keys[k], e.row))}`).join(', ');
    row = `the row with ${keys} at ${formatTimestamp(batch.eventTs[e.row])}`;
  }
  return new TesseraError('transform_error', `source '${origin.source}', column '${column}', ${row}: feature '${e.feature}': ${e.reason}`, [], { cause: e });
}

export function takeOutput(batch: OutputBatch, indices: Int32Array): OutputBatch {
  const floats = (v: Float64Array) => (takeColumn({ kind: 'numeric', values: v }, indices) as { values: Float64Array }).values;
  return {
    length: indices.length,
    keys: batch.keys.map((c) => takeColumn(c, indices)),
    eventTs: floats(batch.eventTs),
    createdTs: batch.createdTs ? floats(batch.createdTs) : null,
    columns: batch.columns.map((c) => ({ ...c, column: takeColumn(c.column, indices) })),
  };
}

export function concatOutputs(batches: OutputBatch[]): OutputBatch {
  if (batches.length === 1) return batches[0];
  const first = batches[0];
  const floats = (pick: (b: OutputBatch) => Float64Array) => (concatColumns(batches.map((b) => ({ kind: 'numeric', values: pick(b) }))) as { values: Float64Array }).values;
  return {
    length: batches.reduce((n, b) => n + b.length, 0),
    keys: first.keys.map((_, k) => concatColumns(batches.map((b) => b.keys[k]))),
    eventTs: floats((b) => b.eventTs),
    createdTs: first.createdTs ? floats((b) => b.createdTs!) : null,
    columns: first.columns.map((c, k) => ({ ...c, column: concatColumns(batches.map((b) => b.columns[k].column)) })),
  };
}
