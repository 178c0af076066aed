import { describeValue, type FieldError, type TesseraError, validationError } from '../errors.js';

/**
 * A pushed `df`: Feast's columnar frame, `{column: [values]}`, as `pd.DataFrame(request.df)` reads it:
 * a scalar beside lists is repeated on every row (Feast's own docs push `"string_feature": "test2"`).
 */
export interface PushFrame {
  length: number;
  /** Column name -> value of row i. */
  column(name: string): ((i: number) => unknown) | undefined;
  names: string[];
}

export function parseFrame(df: unknown, path = 'df'): PushFrame {
  if (df === null || typeof df !== 'object' || Array.isArray(df))
    throw validationError(`${path}: expected an object of columns`, [{ path, message: 'expected an object of columns: {"driver_id": [1001], ...}' }]);
  const columns = df as Record<string, unknown>;
  const names = Object.keys(columns);
  let length = -1;
  for (const name of names) {
    const values = columns[name];
    if (!Array.isArray(values)) {
      if (values !== null && typeof values === 'object') throw invalid(`${path}.${name}`, `expected a list of values or one value, got ${describeValue(values)}`);
      continue;
    }
    if (length < 0) length = values.length;
    else if (values.length !== length) throw invalid(`${path}.${name}`, `has ${values.length} values, but the other columns have ${length}`);
  }
  if (length < 0) throw invalid(path, names.length === 0 ? 'at least one column is required' : 'at least one column must be a list (a frame of scalars has no rows)');
  return {
    length,
    names,
    column(name) {
      if (!Object.hasOwn(columns, name)) return undefined;
      const values = columns[name];
      return Array.isArray(values) ? (i) => values[i] : () => values;
    },
  };
}

function invalid(path: string, message: string): TesseraError {
  const errors: FieldError[] = [{ path, message }];
  return validationError(`${path}: ${message}`, errors);
}
