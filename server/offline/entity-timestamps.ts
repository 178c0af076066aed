import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import * as arrow from '../vendor/arrow.cjs';
import { parseTimestamp } from '../domain/time.js';
import type { FieldError } from '../errors.js';
import { ENTITY_TIMESTAMP, entityPath } from './entity-input.js';
import { describeBadTimestamp, MAX_ERRORS } from './entity-json.js';
import { toParquet } from './parquet-file.js';
import type { Scratch } from './scratch.js';
import { ident, literal } from './sql.js';

/** The column of the side file written by `parseTextTimestamps`. */
export const PARSED_TS = '__tessera_ts';

/**
 * Timestamps given as text (CSV, string columns of Parquet or Arrow uploads) are parsed by Tessera's
 * own parser, so every input format accepts exactly what JSON does; DuckDB's cast is more lenient in
 * some places and stricter in others. The epoch-ms values go to a one-column Parquet file that the
 * retrieval joins back by position. A bad row is added to `errors` (up to MAX_ERRORS in all, naming
 * the row) and there is then no file: null.
 */
export async function parseTextTimestamps(connection: DuckDBConnection, rawFile: string, scratch: Scratch, errors: FieldError[]): Promise<string | null> {
  const result = await connection.stream(`SELECT ${ident(ENTITY_TIMESTAMP)} FROM read_parquet(${literal(rawFile)})`);
  const parts: Float64Array[] = [];
  let bad = false;
  let row = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const vector = chunk.getColumnVector(0);
    const out = new Float64Array(chunk.rowCount);
    for (let i = 0; i < out.length; i++, row++) {
      const text = vector.getItem(i) as string | null;
      const ms = text === null ? null : parseTimestamp(text);
      if (ms === null) {
        bad = true;
        if (errors.length < MAX_ERRORS) errors.push({ path: entityPath(ENTITY_TIMESTAMP, row), message: describeBadTimestamp(text) });
      } else out[i] = ms;
    }
    parts.push(out);
  }
  if (bad) return null;
  const values = new BigInt64Array(row);
  let at = 0;
  for (const part of parts) for (let i = 0; i < part.length; i++) values[at++] = BigInt(part[i]);
  const table = new arrow.Table({ [PARSED_TS]: arrow.makeVector(values) });
  const target = scratch.file('timestamps.parquet');
  await fs.promises.writeFile(target, toParquet(table));
  return target;
}
