/**
 * The pipeline benchmark's reference: DuckDB's own CSV-to-Parquet copy of the same file, in a fresh
 * process, with DuckDB's defaults (one thread per core). Prints one JSON line: `{seconds, rows, maxRssMB}`.
 * Usage: node --import tsx test/bench/duckdb-copy-child.ts <file.csv> <out.parquet>
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { literal } from '../../server/offline/sql.js';

const [csv, out] = process.argv.slice(2);
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const result = await connection.run(`COPY (SELECT * FROM read_csv(${literal(csv)})) TO ${literal(out)} (FORMAT parquet)`);
const seconds = (performance.now() - started) / 1000;
const rows = Number(result.rowsChanged);
connection.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, rows, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
