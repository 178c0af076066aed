import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { featureDrift } from '../../../server/monitoring/drift/feature-drift.js';
import { numericSummary } from '../../../server/monitoring/drift/numeric-query.js';
import { type BenchFigure, type BenchOptions, type BenchScenario, median } from '../scenario.js';

const FEATURES = 10;
/**
 * The issue names 10M x 1M; a full `npm run bench` measures at a tenth of that (2 shared cores), and
 * `TESSERA_BENCH_DRIFT_ROWS=10000000,1000000 npm run bench -- drift` at the named size.
 */
const SIZES = { full: { reference: 1_000_000, detection: 100_000 }, quick: { reference: 50_000, detection: 5_000 } };

/** `reference,detection` row counts from TESSERA_BENCH_DRIFT_ROWS, else null. */
function sizeFromEnv(): { reference: number; detection: number } | null {
  const text = process.env.TESSERA_BENCH_DRIFT_ROWS;
  if (!text) return null;
  const [reference, detection] = text.split(',').map(Number);
  if (!Number.isInteger(reference) || !Number.isInteger(detection) || reference < 1 || detection < 1) {
    throw new Error(`TESSERA_BENCH_DRIFT_ROWS must be two positive integers, reference,detection: not '${text}'`);
  }
  return { reference, detection };
}

const columns = Array.from({ length: FEATURES }, (_, i) => `f${i}`);

/** Rows of normal-ish values (sum of 3 uniforms), rounded to 6 decimals (near-continuous: most values distinct, the group-by gains little), 1% nulls; detection shifted for half the features. */
function generateSql(rows: number, shift: number, file: string): string {
  const cols = columns.map((c, i) => `CASE WHEN random() < 0.01 THEN NULL ELSE round(random() + random() + random() + ${i % 2 === 0 ? shift : 0}, 6) END AS ${c}`);
  return `COPY (SELECT ${cols.join(', ')} FROM range(${rows})) TO '${file}' (FORMAT parquet)`;
}

/**
 * The same statistics as bare DuckDB in one query: per feature, the exact KS statistic (cumulative
 * counts over both samples' sorted values, ties in one frame) and PSI on the reference's lower
 * deciles with a null bin and 0.0001 for empty bins.
 */
function bareSql(ref: string, det: string): string {
  const one = (c: string) => `SELECT '${c}' AS feature,
  (SELECT max(abs(cr - cd)) FROM (
     SELECT sum(r) OVER w / sum(r) OVER () AS cr, sum(1 - r) OVER w / sum(1 - r) OVER () AS cd
     FROM (SELECT ${c} AS v, 1 AS r FROM read_parquet('${ref}') WHERE ${c} IS NOT NULL UNION ALL SELECT ${c}, 0 FROM read_parquet('${det}') WHERE ${c} IS NOT NULL)
     WINDOW w AS (ORDER BY v RANGE UNBOUNDED PRECEDING))) AS ks,
  (WITH edges AS (SELECT list_distinct(quantile_disc(${c}, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])) AS e FROM read_parquet('${ref}')),
   binned AS (
     SELECT CASE WHEN v IS NULL THEN -1 ELSE len(list_filter(e, x -> x < v)) END AS bin, r
     FROM (SELECT ${c} AS v, 1 AS r FROM read_parquet('${ref}') UNION ALL SELECT ${c}, 0 FROM read_parquet('${det}')), edges),
   shares AS (SELECT bin, greatest(sum(r) / (SELECT count(*) FROM read_parquet('${ref}')), 0) AS p, sum(1 - r) / (SELECT count(*) FROM read_parquet('${det}')) AS q FROM binned GROUP BY bin)
   SELECT sum((CASE WHEN q = 0 THEN 0.0001 ELSE q END - CASE WHEN p = 0 THEN 0.0001 ELSE p END) * ln(CASE WHEN q = 0 THEN 0.0001 ELSE q END / CASE WHEN p = 0 THEN 0.0001 ELSE p END)) FROM shares) AS psi`;
  return columns.map(one).join('\nUNION ALL\n');
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = performance.now();
  const value = await work();
  return { seconds: (performance.now() - t) / 1000, value };
}

export const drift: BenchScenario = {
  name: 'drift',
  description: `drift report over ${FEATURES} numeric features (reference x detection rows) vs bare DuckDB computing KS and PSI in one query`,
  async run(options: BenchOptions): Promise<BenchFigure[]> {
    const size = sizeFromEnv() ?? (options.quick ? SIZES.quick : SIZES.full);
    const ref = path.join(options.workDir, 'drift-reference.parquet');
    const det = path.join(options.workDir, 'drift-detection.parquet');
    const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
    const connection = await instance.connect();
    try {
      await connection.run('SELECT setseed(0.42)');
      await connection.run(generateSql(size.reference, 0, ref));
      await connection.run(generateSql(size.detection, 0.2, det));
      const tessera: number[] = [];
      const bare: number[] = [];
      let agree = true;
      for (let i = 0; i < options.runs; i++) {
        const ours = await timed(async () => {
          const out = [];
          for (const c of columns) {
            const summary = await numericSummary(connection, { relation: `read_parquet('${ref}')`, column: c }, { relation: `read_parquet('${det}')`, column: c });
            out.push({
              ks: featureDrift(c, { kind: 'numeric', summary }, { method: 'ks', path: 'method' }).statistic,
              psi: featureDrift(c, { kind: 'numeric', summary }, { method: 'psi', path: 'method' }).statistic,
            });
          }
          return out;
        });
        const theirs = await timed(async () => (await connection.runAndReadAll(bareSql(ref, det))).getRowObjectsJS() as { feature: string; ks: number; psi: number }[]);
        tessera.push(ours.seconds);
        bare.push(theirs.seconds);
        theirs.value.forEach((row) => {
          const mine = ours.value[columns.indexOf(row.feature)];
          if (Math.abs((mine.ks ?? 0) - row.ks) > 1e-9 || Math.abs((mine.psi ?? 0) - row.psi) > 1e-9) agree = false;
        });
        options.log(`drift run ${i + 1}: tessera ${ours.seconds.toFixed(2)} s, bare DuckDB ${theirs.seconds.toFixed(2)} s, statistics agree: ${agree}`);
      }
      const label = `${size.reference.toLocaleString('en')} x ${size.detection.toLocaleString('en')} rows x ${FEATURES}`;
      const ours = median(tessera);
      const theirs = median(bare);
      return [
        { name: `drift ${label}: report`, value: ours, unit: 's', runs: options.runs, note: 'KS, Wasserstein, std, deciles and per-value counts per feature, one grouped query each' },
        { name: `drift ${label}: bare DuckDB KS + PSI`, value: theirs, unit: 's', runs: options.runs },
        {
          name: `drift ${label}: report / bare`,
          value: ours / theirs,
          unit: 'x',
          runs: options.runs,
          target: { op: '<=', value: 1.5 },
          note: agree ? 'KS and PSI equal to 1e-9' : 'KS or PSI DIFFER from the bare query',
        },
      ];
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  },
};
