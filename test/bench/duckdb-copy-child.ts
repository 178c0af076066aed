/**
 * The pipeline benchmark's reference: DuckDB's own CSV-to-Parquet copy of the same file, in a fresh
 * process, with DuckDB's defaults (one thread per core). Prints one JSON line: `{seconds, cpuSeconds, rows, maxRssMB}` (CPU time of all the process's threads, DuckDB's included).
 * Usage: node --import tsx test/bench/duckdb-copy-child.ts <file.csv> <out.parquet>
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { literal } from '../../server/offline/sql.js';

const [csv, out] = process.argv.slice(2);
const started = performance.now();
const cpuFrom = process.cpuUsage();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const result = await connection.run(`COPY (SELECT * FROM read_csv(${literal(csv)})) TO ${literal(out)} (FORMAT parquet)`);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuFrom);
const rows = Number(result.rowsChanged);
connection.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
