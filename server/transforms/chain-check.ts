import type { TransformStepSpec } from '../domain/transform-spec.js';
import type { FeatureType } from '../domain/value-type.js';
import { describeValue } from '../errors.js';

/**
 * Static type rules of a transform chain, checked when definitions are applied so that a chain never
 * fails on types at run time. Each step sees the type the step before produced.
 */
export type ChainCheck = { ok: true; output: FeatureType | 'onehot' } | { ok: false; step: number; message: string };

/**
 * `step` in a failure is the 0-based index into `steps` (the feature's `transforms[step]`). `feature`
 * only names the feature in messages.
 */
export function checkChain(type: FeatureType, steps: readonly TransformStepSpec[], feature?: string): ChainCheck {
  const name = feature === undefined ? 'the feature' : `'${feature}'`;
  let current: FeatureType | 'onehot' = type;
  for (let i = 0; i < steps.length; i++) {
    if (current === 'onehot') {
      return { ok: false, step: i, message: `no step can follow a one-hot encoding (step ${i - 1}): it produces several columns, so it must be the last step` };
    }
    const problem = stepProblem(steps[i], current, name);
    if (problem !== null) return { ok: false, step: i, message: problem };
    current = stepOutputType(steps[i], current);
  }
  return { ok: true, output: current };
}

/** The type a step produces from `type`; assumes the step was checked. */
export function stepOutputType(step: TransformStepSpec, type: FeatureType): FeatureType | 'onehot' {
  switch (step.kind) {
    case 'impute':
      return step.spec.strategy === 'mean' || step.spec.strategy === 'median' ? 'float64' : type;
    case 'scale':
      return 'float64';
    case 'encode':
      switch (step.spec.method) {
        case 'onehot':
          return 'onehot';
        case 'ordinal':
        case 'hash':
          return 'int64';
        case 'frequency':
          return 'float64';
      }
  }
}

export function stepName(step: TransformStepSpec): string {
  switch (step.kind) {
    case 'impute':
      return `impute ${step.spec.strategy}`;
    case 'scale':
      return `scale ${step.spec.method}`;
    case 'encode':
      return `encode ${step.spec.method}`;
  }
}

function isNumeric(type: FeatureType): boolean {
  return type === 'float64' || type === 'int64';
}

function stepProblem(step: TransformStepSpec, type: FeatureType, name: string): string | null {
  const what = stepName(step);
  const atThisStep = `${name} is ${type} at this step`;
  switch (step.kind) {
    case 'impute': {
      const spec = step.spec;
      if ((spec.strategy === 'mean' || spec.strategy === 'median') && !isNumeric(type)) {
        return `${what} needs a numeric feature (float64 or int64), but ${atThisStep}; use mode or constant instead`;
      }
      if (spec.strategy === 'ffill' && spec.fallback === 'median' && !isNumeric(type)) {
        return `impute ffill with fallback 'median' needs a numeric feature (float64 or int64), but ${atThisStep}; use fallback 'none'`;
      }
      if (spec.strategy === 'constant') return constantProblem(spec.value, type, atThisStep);
      return null;
    }
    case 'scale':
      return isNumeric(type) ? null : `${what} needs a numeric feature (float64 or int64), but ${atThisStep}`;
    case 'encode':
      if (type === 'float64') {
        return `${what} needs categories (a string, int64 or bool feature), but ${atThisStep}: float64 values are not categories; round them to int64 or bucket them first`;
      }
      return null;
  }
}

function constantProblem(value: number | string | boolean, type: FeatureType, atThisStep: string): string | null {
  const fits =
    type === 'float64'
      ? typeof value === 'number' && Number.isFinite(value)
      : type === 'int64'
        ? typeof value === 'number' && Number.isSafeInteger(value)
        : type === 'string'
          ? typeof value === 'string'
          : typeof value === 'boolean';
  if (fits) return null;
  const expected = type === 'float64' ? 'a number' : type === 'int64' ? 'an integer' : type === 'string' ? 'a string' : 'true or false';
  return `impute constant value ${describeValue(value)} must be ${expected}, because ${atThisStep}`;
}
