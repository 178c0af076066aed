import type { Column } from '../columns/column.js';
import type { TransformStepSpec } from '../domain/transform-spec.js';
import type { FeatureType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import { checkChain, stepOutputType } from './chain-check.js';
import { applyFrequency, fitFrequency } from './encode-frequency.js';
import { applyHash, fitHash } from './encode-hash.js';
import { applyOnehot, fitOnehot, onehotCodes, onehotSuffixes } from './encode-onehot.js';
import { applyOrdinal, fitOrdinal } from './encode-ordinal.js';
import { applyImpute, fitImpute } from './impute.js';
import { applyScale, fitScale } from './scale.js';
import type { OutputColumn, RowContext } from './transform.js';

export { checkChain } from './chain-check.js';
export type { ChainCheck } from './chain-check.js';

/**
 * The transform engine, shared by pipeline runs, the online path and `/transform`, so training and
 * serving run the same arithmetic. A chain is fitted step by step, each step on the output of the one
 * before (scale after imputation sees no nulls). States are plain JSON (finite numbers, strings,
 * arrays): they survive JSON.stringify/parse unchanged, and the registry stores them as they are.
 *
 * ffill steps read and update their carry (`rows.carry` for the first, `rows.laterCarry` for the
 * others) in fitChain as in applyChain; re-applying the same rows needs a fresh carry.
 */
export interface FittedChain {
  /** One state per step, in step order. */
  states: unknown[];
  /** The fit rows, transformed: exactly what applyChain returns for them with `states`. */
  outputs: OutputColumn[];
}

export function fitChain(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], input: Column, rows: RowContext): FittedChain {
  assertChain(feature, type, steps, input);
  const states: unknown[] = [];
  let column = input;
  let current = type;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const state = fitStep(step, current, column, feature);
    states.push(state);
    // Applying through the same code as applyChain is what makes the two agree exactly.
    const out = applyStep(step, current, column, state, stepRows(steps, i, rows), feature);
    if (Array.isArray(out)) return { states, outputs: out };
    column = out;
    current = stepOutputType(step, current) as FeatureType;
  }
  return { states, outputs: [{ suffix: '', type: current, column }] };
}

/**
 * Only the fitted states: `fitChain` without applying the last step, whose output nobody reads when a
 * pipeline fits (it applies the states to every batch afterwards). Saves a full column per feature on
 * a large first run.
 */
export function fitStates(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], input: Column, rows: RowContext): unknown[] {
  assertChain(feature, type, steps, input);
  const states: unknown[] = [];
  let column = input;
  let current = type;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    states.push(fitStep(step, current, column, feature));
    if (i === steps.length - 1) break;
    const out = applyStep(step, current, column, states[i], stepRows(steps, i, rows), feature);
    if (Array.isArray(out)) break;
    column = out;
    current = stepOutputType(step, current) as FeatureType;
  }
  return states;
}

export function applyChain(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], states: readonly unknown[], input: Column, rows: RowContext): OutputColumn[] {
  assertChain(feature, type, steps, input);
  if (states.length !== steps.length) {
    throw new TesseraError('internal', `feature '${feature}' has ${steps.length} transform steps but ${states.length} fitted states`);
  }
  let column = input;
  let current = type;
  for (let i = 0; i < steps.length; i++) {
    const out = applyStep(steps[i], current, column, states[i], stepRows(steps, i, rows), feature);
    if (Array.isArray(out)) return out;
    column = out;
    current = stepOutputType(steps[i], current) as FeatureType;
  }
  return [{ suffix: '', type: current, column }];
}

/** A chain's output with a final one-hot step in compact form (`onehotCodes`): one code per row. */
export type CompactOutput = { columns: OutputColumn[] } | { onehot: { codes: Int32Array; suffixes: string[] } };

/**
 * `applyChain` for pipelines: the same steps and arithmetic, but a chain ending in a one-hot encoding
 * returns the index of each row's 1 instead of one 0/1 column per category (`applyOnehot` expands
 * exactly these codes).
 */
export function applyChainCompact(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], states: readonly unknown[], input: Column, rows: RowContext): CompactOutput {
  const last = steps[steps.length - 1];
  if (last?.kind !== 'encode' || last.spec.method !== 'onehot') return { columns: applyChain(feature, type, steps, states, input, rows) };
  assertChain(feature, type, steps, input);
  if (states.length !== steps.length) {
    throw new TesseraError('internal', `feature '${feature}' has ${steps.length} transform steps but ${states.length} fitted states`);
  }
  let column = input;
  let current = type;
  for (let i = 0; i < steps.length - 1; i++) {
    const out = applyStep(steps[i], current, column, states[i], stepRows(steps, i, rows), feature);
    if (Array.isArray(out)) throw new TesseraError('internal', `feature '${feature}': only the last step may encode one-hot`);
    column = out;
    current = stepOutputType(steps[i], current) as FeatureType;
  }
  return { onehot: onehotCodes(last.spec, current, column, states[steps.length - 1]) };
}

/**
 * The chain's output columns: `feature` itself, or `feature__<suffix>` for each one-hot column. null
 * when the chain ends in a one-hot encoding that has no fitted state yet (its columns depend on data).
 */
export function chainOutputs(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], states: readonly unknown[] | null): { name: string; type: FeatureType }[] | null {
  const check = checkChain(type, steps, feature);
  if (!check.ok) throw invalidChain(feature, check.step, check.message);
  if (check.output !== 'onehot') return [{ name: feature, type: check.output }];
  if (states === null) return null;
  const last = steps[steps.length - 1];
  if (last.kind !== 'encode' || last.spec.method !== 'onehot') throw new TesseraError('internal', 'a one-hot chain must end in a one-hot step');
  return onehotSuffixes(last.spec, states[steps.length - 1]).map((suffix) => ({ name: `${feature}__${suffix}`, type: 'int64' }));
}

function invalidChain(feature: string, step: number, message: string): TesseraError {
  return new TesseraError('validation', `feature '${feature}', transforms[${step}]: ${message}`, [{ path: `transforms[${step}]`, message }]);
}

function assertChain(feature: string, type: FeatureType, steps: readonly TransformStepSpec[], input: Column): void {
  const check = checkChain(type, steps, feature);
  if (!check.ok) throw invalidChain(feature, check.step, check.message);
  if ((type === 'string') !== (input.kind === 'string')) {
    throw new TesseraError('internal', `feature '${feature}' is ${type} but its column is ${input.kind}`);
  }
}

function fitStep(step: TransformStepSpec, type: FeatureType, column: Column, feature: string): unknown {
  switch (step.kind) {
    case 'impute':
      return fitImpute(step.spec, column, feature);
    case 'scale':
      return fitScale(step.spec, column, feature);
    case 'encode':
      switch (step.spec.method) {
        case 'onehot':
          return fitOnehot(step.spec, type, column);
        case 'ordinal':
          return fitOrdinal(type, column);
        case 'hash':
          return fitHash();
        case 'frequency':
          return fitFrequency(type, column);
      }
  }
}

/** The row context step `i` sees: a later ffill step gets its own carry, never the first step's. */
function stepRows(steps: readonly TransformStepSpec[], i: number, rows: RowContext): RowContext {
  if (!isFfill(steps[i])) return rows;
  let ordinal = 0;
  for (let j = 0; j < i; j++) if (isFfill(steps[j])) ordinal++;
  if (ordinal === 0) return rows;
  const { entityIds, entityKeys, laterCarry } = rows;
  return laterCarry === undefined ? { entityIds, entityKeys } : { entityIds, entityKeys, carry: laterCarry(ordinal) };
}

function isFfill(step: TransformStepSpec): boolean {
  return step.kind === 'impute' && step.spec.strategy === 'ffill';
}

function applyStep(step: TransformStepSpec, type: FeatureType, column: Column, state: unknown, rows: RowContext, feature: string): Column | OutputColumn[] {
  switch (step.kind) {
    case 'impute':
      return applyImpute(step.spec, column, state, rows, feature);
    case 'scale':
      return applyScale(step.spec, column, state, feature);
    case 'encode':
      switch (step.spec.method) {
        case 'onehot':
          return applyOnehot(step.spec, type, column, state);
        case 'ordinal':
          return applyOrdinal(type, column, state);
        case 'hash':
          return applyHash(step.spec.buckets, type, column);
        case 'frequency':
          return applyFrequency(type, column, state);
      }
  }
}
