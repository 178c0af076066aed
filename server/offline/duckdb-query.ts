import type { DuckDBConnection } from '@duckdb/node-api';
import { TesseraError, errorMessage, validationError } from '../errors.js';

/** Runs a query and returns its rows as plain JS objects (BIGINT as bigint). For small answers only. */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** Runs a statement (COPY, SET) and returns the rows it changed or wrote. */
export async function execute(connection: DuckDBConnection, sql: string): Promise<number> {
  const result = await connection.run(sql);
  return result.rowsChanged;
}

/**
 * DuckDB failed while reading what a caller sent: that is bad input, a 400 naming `(body)`. File
 * paths in DuckDB's message are the server's scratch folder; they mean nothing to the caller.
 */
export function inputError(e: unknown, what: string, scratchDir: string): TesseraError {
  if (e instanceof TesseraError) return e;
  const message = firstLine(errorMessage(e)).replaceAll(scratchDir, '(upload)');
  return validationError(`${what}: ${message}`, [{ path: '(body)', message }]);
}

/**
 * DuckDB failed on the offline store: a missing or unreadable snapshot file is a store that does not
 * answer (503); anything else is a bug: rethrown as it is, so the error handler logs it and answers 500.
 */
export function storeError(e: unknown): unknown {
  if (e instanceof TesseraError) return e;
  const message = errorMessage(e);
  if (/INTERRUPT/i.test(message)) return new TesseraError('unavailable', 'the retrieval was interrupted', [], { cause: e });
  if (/^IO Error|No files found|Cannot open file/i.test(message)) {
    return new TesseraError('unavailable', `the offline store could not be read: ${firstLine(message)}`, [], { cause: e });
  }
  return e;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
