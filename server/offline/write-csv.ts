import fs from 'node:fs';
import { execute } from './duckdb-query.js';
import type { DuckDbEngine } from './duckdb-engine.js';
import type { ResultColumn } from './result-columns.js';
import type { Sink } from './result-sink.js';
import type { Scratch } from './scratch.js';
import { ident, literal } from './sql.js';

/**
 * The answer as CSV with a header row: DuckDB's writer (fast, quotes what needs quoting, shortest
 * round-trip doubles), timestamps as RFC 3339 with Z and milliseconds, dates as YYYY-MM-DD, an empty
 * field for null.
 */
export async function writeCsv(engine: DuckDbEngine, file: string, columns: ResultColumn[], scratch: Scratch, sink: Sink): Promise<void> {
  const target = scratch.file(`answer-${Date.now().toString(36)}.csv`);
  // A DATE is a day, not an instant: YYYY-MM-DD, DuckDB's own text of it, as JSON answers give it.
  const select = columns.map((c) => (/^TIMESTAMP/.test(c.type) ? `strftime(CAST(${ident(c.name)} AS TIMESTAMPTZ), '%Y-%m-%dT%H:%M:%S.%gZ') AS ${ident(c.name)}` : ident(c.name)));
  await engine.withConnection((connection) => execute(connection, `COPY (SELECT ${select.join(', ')} FROM read_parquet(${literal(file)})) TO ${literal(target)} (FORMAT csv, HEADER true)`));
  try {
    for await (const chunk of fs.createReadStream(target, { highWaterMark: 1 << 20 })) await sink.write(chunk as Buffer);
  } finally {
    await fs.promises.rm(target, { force: true });
  }
}
