import type { Source } from '../domain/source.js';

/**
 * `fieldMapping` renames source columns as they are read (`{source_column: new_name}`), and every
 * ColumnRequest names a column after the renaming. This answers, for each requested name, which source
 * column holds it: the column mapped to it, else the column of that name unless that one was renamed
 * away (then null: the requested column does not exist).
 */
export function sourceColumnNames(source: Pick<Source, 'fieldMapping'>, names: readonly string[]): (string | null)[] {
  const mapping = source.fieldMapping ?? {};
  const inverse = new Map<string, string>();
  for (const [from, to] of Object.entries(mapping)) if (!inverse.has(to)) inverse.set(to, from);
  return names.map((name) => inverse.get(name) ?? (Object.hasOwn(mapping, name) ? null : name));
}

/** How a requested column is named in the error that says it is missing. */
export function describeColumn(requested: string, sourceName: string | null): string {
  return sourceName === null || sourceName === requested ? `'${requested}'` : `'${sourceName}' (read as '${requested}')`;
}

/**
 * JSON rows are plain objects, so `row.constructor` or `row.toString` would find Object.prototype's
 * members when a record lacks a column of that name. When a requested key collides with one, rows are
 * given a null prototype before they are read; otherwise nothing is done per row.
 */
export function needsNullPrototype(keys: readonly string[]): boolean {
  return keys.some((k) => k in Object.prototype);
}
