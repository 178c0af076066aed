import type { FeatureViewInput } from '../domain/feature-view.js';
import type { FeatureType } from '../domain/value-type.js';

type Add = (path: string, message: string) => void;

/** Whether `value` is a value of a feature of `type` (what `allowedValues` may list). */
function ofType(value: string | number | boolean, type: FeatureType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int64':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'float64':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

/**
 * The rules a schema cannot state alone: bounds in order, bounds and patterns on features of a type
 * they apply to, allowed values of the feature's type, a regular expression that compiles. `at` is
 * the view's path in the bundle (`featureViews[0]`).
 */
export function validateExpectations(view: FeatureViewInput, at: string, add: Add): void {
  view.features.forEach((feature, j) => {
    const expect = feature.expect;
    if (!expect) return;
    const fat = `${at}.features[${j}].expect`;
    const numeric = feature.type === 'int64' || feature.type === 'float64';
    for (const bound of ['min', 'max'] as const) {
      if (expect[bound] !== undefined && !numeric) add(`${fat}.${bound}`, `${bound} applies to int64 and float64 features; '${feature.name}' is ${feature.type}`);
    }
    if (expect.min !== undefined && expect.max !== undefined && expect.min > expect.max) add(`${fat}.min`, `min (${expect.min}) is greater than max (${expect.max})`);
    expect.allowedValues?.forEach((value, k) => {
      if (!ofType(value, feature.type)) add(`${fat}.allowedValues[${k}]`, `${JSON.stringify(value)} is not a ${feature.type} value ('${feature.name}' is ${feature.type})`);
    });
    if (expect.regex !== undefined) {
      if (feature.type !== 'string') add(`${fat}.regex`, `regex applies to string features; '${feature.name}' is ${feature.type}`);
      try {
        new RegExp(expect.regex);
      } catch (e) {
        add(`${fat}.regex`, `is not a valid regular expression: ${(e as Error).message}`);
      }
    }
  });
  const rowCount = view.validation?.rowCount;
  if (rowCount?.min !== undefined && rowCount.max !== undefined && rowCount.min > rowCount.max) {
    add(`${at}.validation.rowCount.min`, `min (${rowCount.min}) is greater than max (${rowCount.max})`);
  }
}
