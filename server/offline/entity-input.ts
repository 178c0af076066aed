/** Formats an entity upload may come in. */
export type EntityFormat = 'csv' | 'parquet' | 'arrow';

/**
 * Entity rows as a caller hands them over: JSON columns, the bytes of an upload, or a local file (the
 * CLI, the SDK, a saved dataset's copy). Every kind becomes one Parquet file that DuckDB reads.
 */
export type EntityInput = { kind: 'columns'; columns: Record<string, unknown[]> } | { kind: 'bytes'; format: EntityFormat; bytes: Uint8Array } | { kind: 'file'; format: EntityFormat; path: string };

/** The entity timestamp column, in every input format. */
export const ENTITY_TIMESTAMP = 'event_timestamp';

/** Error paths name entity columns and rows as `entities.driver_id` and `entities.event_timestamp[3]`. */
export function entityPath(column: string, row?: number | bigint): string {
  return row === undefined ? `entities.${column}` : `entities.${column}[${row}]`;
}

/** The format of a file, from its extension; null when it is not one Tessera reads. */
export function formatOfPath(file: string): EntityFormat | null {
  const ext = file.toLowerCase().split('.').pop() ?? '';
  if (ext === 'csv') return 'csv';
  if (ext === 'parquet' || ext === 'pq') return 'parquet';
  if (ext === 'arrow' || ext === 'arrows' || ext === 'ipc' || ext === 'feather') return 'arrow';
  return null;
}

/**
 * The most columns entity rows may have. The point-in-time query's cost grows with the square of the
 * columns it carries (measured: 1,000 columns 3.5 s as JSON and 5.7 s as CSV for one row, 2,000 columns
 * 12 s and 21.6 s, 4,000 as CSV 78 s), so a 300 KB upload of 50,000 columns kept DuckDB busy for
 * minutes.
 */
export const MAX_ENTITY_COLUMNS = 1000;

/**
 * Problems with entity column names, each at `pathOf(index)`: more than MAX_ENTITY_COLUMNS of them, an empty name, control characters (a
 * NUL cuts DuckDB's SQL short), or two names DuckDB, whose identifiers ignore case, would take for one
 * (it would rename the second, `DRIVER_ID_1`, without a word).
 */
export function columnNameErrors(names: readonly string[], pathOf: (index: number) => string): { path: string; message: string }[] {
  if (names.length > MAX_ENTITY_COLUMNS) {
    return [
      {
        path: pathOf(MAX_ENTITY_COLUMNS),
        message: `${names.length.toLocaleString('en-US')} columns: entity rows carry at most ${MAX_ENTITY_COLUMNS.toLocaleString('en-US')} (join keys, the timestamp and the columns to keep)`,
      },
    ];
  }
  const errors: { path: string; message: string }[] = [];
  const seen = new Map<string, string>();
  names.forEach((name, i) => {
    if (name === '') errors.push({ path: pathOf(i), message: 'a column without a name' });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
    else if (/[\u0000-\u001f]/.test(name)) errors.push({ path: pathOf(i), message: 'a column name may not hold control characters' });
    const folded = name.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) errors.push({ path: pathOf(i), message: other === name ? `'${name}' names two columns` : `'${name}' and '${other}' differ only in case, and column names ignore case` });
    else seen.set(folded, name);
  });
  return errors;
}
