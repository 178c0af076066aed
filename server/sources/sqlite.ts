import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Source } from '../domain/source.js';
import { formatTimestamp } from '../domain/time.js';
import { TesseraError, errorMessage } from '../errors.js';
import { BatchBuilder } from './batch-builder.js';
import type { RawRow } from './batch-builder.js';
import { describeColumn, sourceColumnNames } from './field-mapping.js';
import { isInside, outsideRoots, realRoots } from './file-roots.js';
import type { ReadRequest, SourceBatch, SourceContext, SourceReader, TimeRange } from './source.js';
import { sqliteQueryProblem } from './sqlite-query.js';

export type SqliteSource = Extract<Source, { type: 'sqlite' }>;

/**
 * What an open-ended start binds to: below every timestamp a query can compare with. -8.64e15 ms is
 * the earliest instant a JavaScript Date holds (year -271821); '0000-01-01T00:00:00.000Z' sorts before
 * any 4-digit-year RFC 3339 or `YYYY-MM-DD HH:MM:SS` text.
 */
export const OPEN_START_MS = -8.64e15;
export const OPEN_START_ISO = '0000-01-01T00:00:00.000Z';

/**
 * The parameters a query may use (as `:name`, `@name` or `$name`): `start`/`end` in epoch ms, and
 * `start_iso`/`end_iso` in RFC 3339 with `Z` and ms. better-sqlite3 ignores named values the query
 * does not use, so all four are always given.
 */
export function rangeParameters(range: TimeRange): Record<string, number | string> {
  return {
    start: range.start ?? OPEN_START_MS,
    end: range.end,
    start_iso: range.start === null ? OPEN_START_ISO : formatTimestamp(range.start),
    end_iso: formatTimestamp(range.end),
  };
}

/**
 * A SQLite database, read-only, through the definition's query. The range is bound as parameters so
 * the query can filter in SQL (and use an index); rows outside it are still dropped here, so a query
 * that ignores the parameters reads correctly, only slower. Integers arrive as BigInt (safeIntegers):
 * an int64 beyond 2^53 is rejected rather than silently rounded.
 */
export function sqliteReader(source: SqliteSource, ctx: SourceContext): SourceReader {
  return { read: (request) => readSqlite(source, ctx, request) };
}

async function* readSqlite(source: SqliteSource, ctx: SourceContext, request: ReadRequest): AsyncGenerator<SourceBatch> {
  const refuse = (what: string) => new TesseraError('source_refused', `source '${source.name}': ${what}`);
  const problem = sqliteQueryProblem(source.query);
  if (problem !== null) throw refuse(problem);
  const file = await databaseFile(source, ctx);
  const fail = (what: string, e: unknown): TesseraError => new TesseraError('source_error', `source '${source.name}': ${what} (database '${source.database}'): ${errorMessage(e)}`, [], { cause: e });
  let db: Database.Database;
  try {
    // Read-only at the file level: no write, no journal change, whatever the query says.
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw fail('cannot open the database', e);
  }
  try {
    // SQLite already answers "not authorized" to the SQL function; this says why, in the run's error.
    const noExtensions = () => {
      throw new Error('load_extension is not allowed in a source query');
    };
    db.function('load_extension', { directOnly: true }, (_file: unknown) => noExtensions());
    db.function('load_extension', { directOnly: true }, (_file: unknown, _entry: unknown) => noExtensions());
    let statement: Database.Statement;
    try {
      statement = db.prepare(source.query);
    } catch (e) {
      throw fail('invalid query', e);
    }
    // SQLite's verdict: a statement that writes (VACUUM INTO, CREATE TEMP, a pragma) is not a source.
    if (!statement.readonly) throw refuse('the query must be read-only; SQLite says this statement writes');
    if (!statement.reader) throw fail('invalid query', new Error('the query returns no rows (it must be a SELECT)'));
    const header = statement.columns().map((c) => c.name);
    const builder = new BatchBuilder(request);
    const names = sourceColumnNames(
      source,
      request.columns.map((c) => c.name),
    );
    const keys = names.map((name) => (name === null ? -1 : header.indexOf(name)));
    const missing = keys.indexOf(-1);
    if (missing >= 0) {
      const column = describeColumn(request.columns[missing].name, names[missing]);
      throw new TesseraError('source_error', `source '${source.name}': column ${column} is not among the query's columns (${header.join(', ')})`);
    }
    builder.bind(keys, {
      location: (n) => `query row ${n}`,
      raw: (row: RawRow) => Object.fromEntries(header.map((name, i) => [name, (row as unknown[])[i]])),
    });
    let rows: IterableIterator<unknown[]>;
    try {
      rows = statement.safeIntegers(true).raw(true).iterate(rangeParameters(request.range)) as IterableIterator<unknown[]>;
    } catch (e) {
      throw fail('cannot run the query', e);
    }
    let n = 0;
    try {
      for (const row of rows) {
        const batch = builder.add(row, ++n);
        if (batch !== null) {
          request.signal?.throwIfAborted();
          yield batch;
        }
      }
    } catch (e) {
      if (e instanceof TesseraError || (e instanceof Error && e.name === 'AbortError')) throw e;
      throw fail(`query failed at row ${n + 1}`, e);
    }
    const last = builder.flush();
    if (last !== null) yield last;
  } finally {
    db.close();
  }
}

/** The database's real path, inside the allowed roots (checked now, as the run opens it). */
async function databaseFile(source: SqliteSource, ctx: SourceContext): Promise<string> {
  const absolute = path.resolve(ctx.baseDir, source.database);
  const roots = await realRoots(ctx);
  const outside = await outsideRoots(absolute, ctx, roots);
  if (outside !== null) throw new TesseraError('source_refused', `source '${source.name}': database '${source.database}' ${outside}`);
  const info = await stat(absolute).catch(() => null);
  if (info === null || !info.isFile()) throw new TesseraError('source_error', `source '${source.name}': cannot open the database (database '${source.database}'): no such file`);
  const real = await realpath(absolute);
  if (!roots.some((root) => isInside(real, root))) throw new TesseraError('source_refused', `source '${source.name}': database '${source.database}' leads outside the allowed folders`);
  return real;
}
