/**
 * A bound for the pipeline benchmark: DuckDB alone doing a run's offline work for a view of the
 * benchmark's kinds (impute mean, median or mode; scale standard, minmax or robust; one-hot), in a
 * fresh process: read the CSV with its own type detection, fit in SQL, then write the transformed rows
 * sorted by event time and key to one Parquet file with Tessera's row groups. It skips what a run must
 * also do (type each field as the JS reader would, statistics, the latest rows, the online store,
 * the registry): no run can be faster than this. Prints one JSON line: `{seconds, rows, columns}`.
 * Usage: node --import tsx test/bench/duckdb-view-child.ts <file.csv> <bundle.json> <out.parquet>
 */
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
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

const [csv, bundleFile, out] = process.argv.slice(2);
const bundle = JSON.parse(fs.readFileSync(bundleFile, 'utf8'));
const view = bundle.featureViews[0];
const key: string = bundle.entities[0].joinKeys[0];
const ts: string = bundle.sources[0].timestampField;
const features: Feature[] = view.features;

const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
const one = async (sql: string): Promise<unknown[]> => (await db.runAndReadAll(sql)).getRowsJS()[0];
const number = (x: unknown) => `${Number(x)}::DOUBLE`;

await db.run(`CREATE TEMP TABLE src AS SELECT * FROM read_csv(${literal(csv)})`);
const outputs: string[] = [ident(key), ident(ts)];
for (const f of features) {
  let expr = ident(f.name);
  for (const step of f.transforms) {
    if (step.impute) {
      const aggregate = { mean: 'avg', median: 'median', mode: 'mode' }[step.impute.strategy];
      const [fill] = await one(`SELECT ${aggregate}(${expr}) FROM src`);
      expr = `coalesce(${expr}, ${typeof fill === 'string' ? literal(fill) : number(fill)})`;
    } else if (step.scale) {
      const [center, scale] = await one(
        {
          standard: `SELECT avg(${expr}), stddev_pop(${expr}) FROM src`,
          minmax: `SELECT min(${expr}), max(${expr}) - min(${expr}) FROM src`,
          robust: `SELECT median(${expr}), quantile_cont(${expr}, 0.75) - quantile_cont(${expr}, 0.25) FROM src`,
        }[step.scale.method],
      );
      expr = `(${expr} - ${number(center)}) / ${number(scale)}`;
    } else if (step.encode) {
      const top = await db.runAndReadAll(`SELECT v FROM (SELECT ${expr} AS v, count(*) AS n FROM src WHERE v IS NOT NULL GROUP BY v) ORDER BY n DESC, v LIMIT ${step.encode.maxCategories}`);
      const categories = top.getRowsJS().map((row) => String(row[0]));
      outputs.push(...categories.map((c) => `CAST(${expr} = ${literal(c)} AS BIGINT) AS ${ident(`${f.name}__${c}`)}`));
      expr = '';
      break;
    }
  }
  if (expr !== '') outputs.push(`${expr} AS ${ident(f.name)}`);
}
const result = await db.run(`COPY (SELECT ${outputs.join(', ')} FROM src ORDER BY ${ident(ts)}, ${ident(key)}) TO ${literal(out)} (FORMAT parquet, ROW_GROUP_SIZE 100000)`);
const seconds = (performance.now() - started) / 1000;
const rows = Number(result.rowsChanged);
db.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, rows, columns: outputs.length })}\n`);
