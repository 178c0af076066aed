import { TesseraError } from '../errors.js';

/**
 * Readers for fitted state. State comes back from the registry as parsed JSON, so each transform checks
 * the fields it uses: a malformed state fails loudly instead of producing plausible wrong numbers.
 */

function malformed(what: string, key: string): TesseraError {
  return new TesseraError('internal', `the fitted state of ${what} is malformed: '${key}' is missing or has the wrong type`);
}

function field(state: unknown, key: string, what: string): unknown {
  if (typeof state !== 'object' || state === null || !Object.hasOwn(state, key)) throw malformed(what, key);
  return (state as Record<string, unknown>)[key];
}

export function stateNumber(state: unknown, key: string, what: string): number {
  const v = field(state, key, what);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw malformed(what, key);
  return v;
}

export function stateValue(state: unknown, key: string, what: string): number | string {
  const v = field(state, key, what);
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw malformed(what, key);
}

export function stateStrings(state: unknown, key: string, what: string): string[] {
  const v = field(state, key, what);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw malformed(what, key);
  return v as string[];
}

export function stateNumbers(state: unknown, key: string, what: string): number[] {
  const v = field(state, key, what);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw malformed(what, key);
  return v as number[];
}

/**
 * A transform that cannot be applied to one value. `row` is the value's index in the column, so the
 * caller, which knows what the rows are (source lines, entity keys, request rows), can name it.
 */
export class TransformRowError extends TesseraError {
  constructor(
    readonly feature: string,
    readonly row: number,
    readonly reason: string,
  ) {
    super('transform_error', `feature '${feature}': ${reason}`);
  }
}

/** Raised when arithmetic meets a value it cannot turn into a finite number. */
export function transformError(feature: string, message: string): TesseraError {
  return new TesseraError('transform_error', `feature '${feature}': ${message}`);
}

/** Sources should reject infinite values; a step that meets one (at index `row`) refuses to pass it on. */
export function infiniteValue(feature: string, value: number, row: number): TransformRowError {
  return new TransformRowError(feature, row, `${value} is not a finite number; check the source for infinite values`);
}
