/**
 * A bound for the pipeline benchmark: DuckDB alone doing a run's offline work for a view of the
 * benchmark's kinds (impute mean, median or mode; scale standard, minmax or robust; one-hot) as fast
 * as this project knows how, in a fresh process. It reads the CSV with its own type detection into a
 * table sorted by event time and key, fits in two aggregate queries (the fills, then what the
 * scalers and encoders need of the imputed values), and writes the transformed rows as a run's
 * files are cut (`fileBounds`), two at a time, with Tessera's row groups. It skips what a run must
 * also do (type each field as the JS reader would, statistics, the latest rows, the online store,
 * the registry). Prints one JSON line: `{seconds, cpuSeconds, rows, columns}`.
 * Usage: node --import tsx test/bench/duckdb-view-child.ts <file.csv> <bundle.json> <out-dir>
 */
import fs from 'node:fs';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { copyPairs } from '../../server/offline/row-files.js';
import { DEFAULT_FILE_OPTIONS, fileBounds } from '../../server/offline/snapshot-writer.js';
import { ident, literal } from '../../server/offline/sql.js';

interface Step {
  impute?: { strategy: 'mean' | 'median' | 'mode' };
  scale?: { method: 'standard' | 'minmax' | 'robust' };
  encode?: { method: 'onehot'; maxCategories: number };
}
interface Feature {
  name: string;
  transforms: Step[];
}

const [csv, bundleFile, outDir] = process.argv.slice(2);
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
const view = bundle.featureViews[0];
const key: string = bundle.entities[0].joinKeys[0];
const ts: string = bundle.sources[0].timestampField;
const features: Feature[] = view.features;
const { rowsPerFile, rowGroupRows } = DEFAULT_FILE_OPTIONS;

const started = performance.now();
const cpuFrom = process.cpuUsage();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const one = async (sql: string): Promise<unknown[]> => (await db.runAndReadAll(sql)).getRowsJS()[0];
const value = (x: unknown) => (typeof x === 'string' ? literal(x) : `${Number(x)}::DOUBLE`);

await db.run(`CREATE TABLE src AS SELECT * FROM read_csv(${literal(csv)}) ORDER BY ${ident(ts)}, ${ident(key)}`);

// The fills, in one scan.
const step = <K extends keyof Step>(f: Feature, kind: K): Step[K] => f.transforms.find((s) => s[kind])?.[kind];
const imputed = features.filter((f) => step(f, 'impute'));
const fills = imputed.length ? await one(`SELECT ${imputed.map((f) => `${{ mean: 'avg', median: 'median', mode: 'mode' }[step(f, 'impute')!.strategy]}(${ident(f.name)})`).join(', ')} FROM src`) : [];
const filled = new Map(imputed.map((f, k) => [f.name, `coalesce(${ident(f.name)}, ${value(fills[k])})`]));
const input = (f: Feature) => filled.get(f.name) ?? ident(f.name);

// What the scalers and encoders need of the imputed values, in a second scan.
const aggregates: string[] = [];
for (const f of features) {
  const x = input(f);
  const scale = step(f, 'scale');
  if (scale)
    aggregates.push(
      ...{ standard: [`avg(${x})`, `stddev_pop(${x})`], minmax: [`min(${x})`, `max(${x}) - min(${x})`], robust: [`median(${x})`, `quantile_cont(${x}, 0.75) - quantile_cont(${x}, 0.25)`] }[
        scale.method
      ],
    );
  else if (step(f, 'encode')) aggregates.push(`histogram(${x})`);
}
const fitted = aggregates.length ? await one(`SELECT ${aggregates.join(', ')} FROM src`) : [];

const outputs: string[] = [ident(key), ident(ts)];
let at = 0;
for (const f of features) {
  const scale = step(f, 'scale');
  const encode = step(f, 'encode');
  if (scale) {
    outputs.push(`(${input(f)} - ${value(fitted[at++])}) / ${value(fitted[at++])} AS ${ident(f.name)}`);
  } else if (encode) {
    const counts = fitted[at++] as { key: unknown; value: unknown }[] | Map<unknown, unknown>;
    const entries = Array.isArray(counts) ? counts.map((e) => [String(e.key), Number(e.value)] as const) : [...counts].map(([k, v]) => [String(k), Number(v)] as const);
    const top = entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, encode.maxCategories);
    outputs.push(...top.map(([c]) => `CAST(${input(f)} = ${literal(c)} AS BIGINT) AS ${ident(`${f.name}__${c}`)}`));
  } else outputs.push(`${input(f)} AS ${ident(f.name)}`);
}

const [rows] = (await one('SELECT count(*) FROM src')).map(Number);
fs.mkdirSync(outDir, { recursive: true });
let side: DuckDBConnection | null = null;
let written = 0;
await copyPairs(
  fileBounds(0, rows, rowsPerFile),
  db,
  async () => (side ??= await instance.connect()),
  async (connection, from, to) => {
    const file = path.join(outDir, `part-${written++}.parquet`);
    await connection.run(`COPY (SELECT ${outputs.join(', ')} FROM src WHERE rowid >= ${from} AND rowid < ${to}) TO ${literal(file)} (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupRows})`);
  },
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuFrom);
// `side` is assigned in the callback above, which TypeScript's narrowing does not follow.
(side as DuckDBConnection | null)?.closeSync();
db.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows, columns: outputs.length, files: written })}\n`);
