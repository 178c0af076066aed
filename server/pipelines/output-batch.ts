import { approxNumeric } from '../columns/arrow-convert.js';
import { type Column, numericColumn, valueAt } from '../columns/column.js';
import type { FeatureInput } from '../domain/feature-view.js';
import { stepSpec } from '../domain/transform-spec.js';
import { formatTimestamp } from '../domain/time.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import { type CompactOutput, applyChainCompact, fitStates } from '../transforms/chain.js';
import { TransformRowError } from '../transforms/state.js';
import type { RowContext } from '../transforms/transform.js';
import type { RowBatch } from './row-batch.js';

export interface OutputColumnData {
  name: string;
  type: FeatureType;
  column: Column;
  /** A one-hot column: only 0 and 1, never null. */
  binary?: boolean;
  /**
   * A one-hot column in compact form: 1 where `codes[i] === index`, else 0. The columns of one
   * encoded feature share one `codes` array; `column` is built from it only when someone reads it.
   */
  onehot?: { codes: Int32Array; index: number };
}

/** The one-hot output column `index` of an encoded feature whose rows hold `codes`. */
export function onehotColumn(name: string, codes: Int32Array, index: number): OutputColumnData {
  return new OnehotColumnData(name, { codes, index });
}

/** A one-hot output column whose 0/1 values are made on first read (most consumers use the codes). */
class OnehotColumnData implements OutputColumnData {
  readonly type = 'int64' as const;
  readonly binary = true;
  private values: Column | null = null;

  constructor(
    readonly name: string,
    readonly onehot: { codes: Int32Array; index: number },
  ) {}

  get column(): Column {
    if (this.values === null) {
      const { codes, index } = this.onehot;
      const out = new Float64Array(codes.length);
      for (let i = 0; i < codes.length; i++) if (codes[i] === index) out[i] = 1;
      this.values = numericColumn(out);
    }
    return this.values;
  }
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

/** Whether a feature has an ffill step: it carries values per entity, so its rows go in entity order. */
export function carriesValues(feature: FeatureInput): boolean {
  return feature.transforms.some((t) => t.impute?.strategy === 'ffill');
}

/**
 * ffill reads and updates a carry of its own per feature and ffill step; other steps ignore the row
 * context. The first ffill step's carry is stored under the feature's name, a later one's under
 * `<feature>#<ordinal>` (names cannot hold '#', so the two never meet).
 */
function contextFor(feature: FeatureInput, rows: RowContext, carry: Record<string, Map<string, number | string>>): RowContext {
  if (!carriesValues(feature)) return rows;
  return { ...rows, carry: (carry[feature.name] ??= new Map()), laterCarry: (ordinal) => (carry[`${feature.name}#${ordinal}`] ??= new Map()) };
}

/**
 * An int64 input holding a value beyond 2^53 arrives as decimal text; a transform computes in doubles,
 * so it gets the values rounded to numbers (a feature without transforms keeps every digit).
 */
function chainInput(f: FeatureInput, column: Column): Column {
  return f.type === 'int64' && column.kind === 'string' ? approxNumeric(column) : column;
}

/** Fits every feature's chain on the fit rows; returns one list of step states per feature. */
export function fitFeatures(batch: RowBatch, features: FeatureInput[], rows: RowContext, origin?: RowOrigin): Record<string, unknown[]> {
  const states: Record<string, unknown[]> = {};
  // Fitting must not move the run's real carry: it gets a scratch one.
  const scratch: Record<string, Map<string, number | string>> = {};
  for (const f of features) {
    try {
      states[f.name] = fitStates(f.name, f.type, f.transforms.map(stepSpec), chainInput(f, batch.inputs.get(inputOf(f))!), contextFor(f, rows, scratch));
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
    const input = batch.inputs.get(inputOf(f))!;
    if (f.transforms.length === 0 && input.kind === 'string' && f.type === 'int64') {
      columns.push({ name: f.name, type: 'int64', column: input });
      continue;
    }
    let outputs: CompactOutput;
    try {
      outputs = applyChainCompact(f.name, f.type, f.transforms.map(stepSpec), states[f.name] ?? [], chainInput(f, input), contextFor(f, rows, carry));
    } catch (e) {
      if (e instanceof TransformRowError && origin) throw rowError(e, batch, inputOf(f), origin);
      throw e;
    }
    if ('onehot' in outputs) {
      const { codes, suffixes } = outputs.onehot;
      suffixes.forEach((suffix, index) => columns.push(new OnehotColumnData(`${f.name}__${suffix}`, { codes, index })));
    } else {
      for (const o of outputs.columns) columns.push({ name: o.suffix ? `${f.name}__${o.suffix}` : f.name, type: o.type, column: o.column, binary: o.suffix !== '' });
    }
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
