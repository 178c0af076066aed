import type { FeatureType, KeyType } from '../domain/value-type.js';

/** `name` as a DuckDB identifier: entity columns may hold any character. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a DuckDB string literal. */
export function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** A list of files for `read_parquet`. */
export function fileList(files: readonly string[]): string {
  return `[${files.map(literal).join(', ')}]`;
}

/** The DuckDB type a feature or key type is stored as in the offline Parquet files. */
export function sqlType(type: FeatureType | KeyType): string {
  switch (type) {
    case 'float64':
      return 'DOUBLE';
    case 'int64':
      return 'BIGINT';
    case 'string':
      return 'VARCHAR';
    case 'bool':
      return 'BOOLEAN';
  }
}

/** Integer literal of an epoch-ms instant (numbers beyond 2^53 never reach here: timestamps stop at 8.64e15). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`${n} is not a safe integer`);
  return String(n);
}
