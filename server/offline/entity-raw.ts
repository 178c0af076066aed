import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import * as arrow from '../vendor/arrow.cjs';
import Papa from 'papaparse';
import { type FieldError, errorMessage, validationError } from '../errors.js';
import { execute, inputError, queryRows } from './duckdb-query.js';
import { ENTITY_TIMESTAMP, type EntityFormat, type EntityInput, columnNameErrors } from './entity-input.js';
import { type EntityKey, entityTableFromColumns } from './entity-json.js';
import { toParquet } from './parquet-file.js';
import type { Scratch } from './scratch.js';
import { ident, literal } from './sql.js';

/**
 * Turns any entity input into one Parquet file DuckDB reads, without interpreting the values yet
 * (that is `entityRelation`'s job, the same for every format). A Parquet file given by path is used
 * where it lies; everything else lands in the scratch folder.
 */
export async function rawEntityFile(input: EntityInput, scratch: Scratch, connection: DuckDBConnection, keys: readonly EntityKey[]): Promise<string> {
  if (input.kind === 'columns') {
    const target = scratch.file('entities.parquet');
    await fs.promises.writeFile(target, toParquet(entityTableFromColumns(input.columns, keys)));
    return target;
  }
  const format: EntityFormat = input.format;
  if (format === 'parquet') {
    if (input.kind === 'file') return input.path;
    checkParquetMagic(input.bytes);
    const target = scratch.file('upload.parquet');
    await fs.promises.writeFile(target, input.bytes);
    return target;
  }
  if (format === 'arrow') {
    const bytes = input.kind === 'bytes' ? input.bytes : await fs.promises.readFile(input.path);
    const table = readArrow(bytes);
    let parquet: Uint8Array;
    try {
      parquet = toParquet(table);
    } catch (e) {
      throw inputError(e, 'the Arrow upload has columns Parquet cannot hold', scratch.dir);
    }
    const target = scratch.file('upload.parquet');
    await fs.promises.writeFile(target, parquet);
    return target;
  }
  let csv: string;
  if (input.kind === 'bytes') {
    // DuckDB's CSV reader fails inside (and takes its instance down) on bytes that are not UTF-8.
    if (!isUtf8(input.bytes)) throw validationError('the CSV upload is not UTF-8 text', [{ path: '(body)', message: 'not valid UTF-8' }]);
    csv = scratch.file('upload.csv');
    await fs.promises.writeFile(csv, input.bytes);
  } else csv = input.path;
  return csvToParquet(
    csv,
    scratch,
    connection,
    keys.map((k) => k.name),
  );
}

function checkParquetMagic(bytes: Uint8Array): void {
  const magic = (at: number) => bytes.length >= 8 && bytes[at] === 0x50 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x52 && bytes[at + 3] === 0x31;
  if (!magic(0) || !magic(bytes.length - 4)) {
    throw validationError('the upload is not a Parquet file (it must start and end with PAR1)', [{ path: '(body)', message: 'not a Parquet file' }]);
  }
}

function readArrow(bytes: Uint8Array): arrow.Table {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(bytes);
  } catch (e) {
    throw validationError(`the upload is not an Arrow IPC stream or file: ${errorMessage(e)}`, [{ path: '(body)', message: 'not Arrow IPC' }]);
  }
  if (table.schema.fields.length === 0) throw validationError('the Arrow upload has no columns', [{ path: '(body)', message: 'no columns' }]);
  const errors = columnNameErrors(
    table.schema.fields.map((f) => f.name),
    (i) => `(body) schema.fields[${i}]`,
  );
  if (errors.length) throw validationError(`the Arrow upload's column names are not usable: ${errors.map((e) => e.message).join('; ')}`, errors);
  return table;
}

/**
 * CSV through DuckDB's reader with the dialect fixed (RFC 4180: comma, double quotes, a header row),
 * never sniffed: a sniffer that guesses another delimiter turns a malformed row into a silently
 * wrong table. A row with the wrong number of fields is a 400 naming its line. Join keys and the
 * timestamp stay text, so "007" keeps its zeros and timestamps are parsed by Tessera's own rules;
 * every other column gets the narrowest type all its values fit: BIGINT, DOUBLE, BOOLEAN or text.
 */
async function csvToParquet(csv: string, scratch: Scratch, connection: DuckDBConnection, keyNames: string[]): Promise<string> {
  const names = await csvHeader(csv);
  const target = scratch.file('upload.parquet');
  const all = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(', ')}}`;
  const source = `read_csv(${literal(csv)}, auto_detect = false, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, columns = ${all})`;
  try {
    const text = new Set([ENTITY_TIMESTAMP, ...keyNames]);
    const typed = names.filter((n) => !text.has(n));
    // TRY_CAST('1.5' AS BIGINT) rounds to 2: integers must look like integers.
    const cast = (n: string, type: string) =>
      type === 'BIGINT' ? `CASE WHEN regexp_full_match(trim(${ident(n)}), '[-+]?[0-9]+') THEN TRY_CAST(trim(${ident(n)}) AS BIGINT) END` : `TRY_CAST(${ident(n)} AS ${type})`;
    const fits = (type: string) => typed.map((n, i) => `bool_and(${ident(n)} IS NULL OR ${cast(n, type)} IS NOT NULL) AS ${type.toLowerCase()}_${i}`);
    const [found] = typed.length ? await queryRows(connection, `SELECT ${[...fits('BIGINT'), ...fits('DOUBLE'), ...fits('BOOLEAN')].join(', ')} FROM ${source}`) : [{}];
    const select = names.map((n) => {
      const i = typed.indexOf(n);
      const type = i < 0 ? null : ['BIGINT', 'DOUBLE', 'BOOLEAN'].find((t) => found[`${t.toLowerCase()}_${i}`] === true);
      return type ? `${cast(n, type)} AS ${ident(n)}` : ident(n);
    });
    await execute(connection, `COPY (SELECT ${select.join(', ')} FROM ${source}) TO ${literal(target)} (FORMAT parquet)`);
  } catch (e) {
    throw inputError(e, 'the CSV upload cannot be read', scratch.dir);
  }
  return target;
}

/** The header row's names; duplicates or blanks would make an ambiguous table, a 400. */
async function csvHeader(csv: string): Promise<string[]> {
  const handle = await fs.promises.open(csv, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  const [names] = Papa.parse<string[]>(head, { preview: 1, delimiter: ',', quoteChar: '"' }).data;
  const errors: FieldError[] = [];
  if (!names || names.length === 0 || (names.length === 1 && names[0] === '')) errors.push({ path: '(body)', message: 'the CSV upload has no header row' });
  if (errors.length === 0) errors.push(...columnNameErrors(names, (i) => `(body) header[${i}]`));
  if (errors.length) throw validationError(`the CSV header is not usable: ${errors.map((e) => e.message).join('; ')}`, errors);
  return names;
}
