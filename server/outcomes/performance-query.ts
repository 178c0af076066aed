import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../offline/sql.js';

export type Task = 'classification' | 'regression';

export interface PerformanceQuery {
  model: string;
  bucket: 'day' | 'hour';
  /** predictedAt >= from (epoch ms). */
  from?: number;
  /** predictedAt < to. */
  to?: number;
  version?: string;
  /** Default: classification when the joined predictions carry a probability, else regression. */
  task?: Task;
  /** A probability at or above it predicts class 1 (accuracy). */
  threshold: number;
}

export interface Metrics {
  count: number;
  accuracy?: number | null;
  logLoss?: number | null;
  auc?: number | null;
  mae?: number | null;
  rmse?: number | null;
}

export interface PerformanceReport {
  model: string;
  task: Task | null;
  bucket: 'day' | 'hour';
  threshold: number;
  buckets: (Metrics & { start: string })[];
  overall: Metrics;
}

/** Log loss clips probabilities to [EPS, 1 - EPS], as scikit-learn does, so a confident miss costs ln(1e15), not infinity. */
const EPS = 1e-15;

/**
 * The metrics per bucket of prediction time, in DuckDB over the joined outcomes. AUC is the
 * Mann-Whitney statistic over ranks with ties given their average rank: (sum of the positives' ranks
 * - n1(n1+1)/2) / (n1 n0), null unless both classes occur.
 */
export async function performanceReport(db: DuckDBConnection, relation: string | null, q: PerformanceQuery): Promise<PerformanceReport> {
  const empty: PerformanceReport = { model: q.model, task: q.task ?? null, bucket: q.bucket, threshold: q.threshold, buckets: [], overall: { count: 0 } };
  if (relation === null) return empty;
  const where = ['true'];
  if (q.from !== undefined) where.push(`predicted_at >= ${Math.trunc(q.from)}`);
  if (q.to !== undefined) where.push(`predicted_at < ${Math.trunc(q.to)}`);
  if (q.version !== undefined) where.push(`model_version = ${literal(q.version)}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE joined AS SELECT * FROM ${relation} WHERE ${where.join(' AND ')}`);
  const [[rows, scored]] = (await db.runAndReadAll('SELECT count(*)::DOUBLE, count(probability)::DOUBLE FROM joined')).getRowsJS() as [number, number][];
  if (rows === 0) return empty;
  const task: Task = q.task ?? (scored > 0 ? 'classification' : 'regression');
  const bucketed = async (bucketSql: string) => (await db.runAndReadAll(task === 'classification' ? classificationSql(bucketSql, q.threshold) : regressionSql(bucketSql))).getRowObjectsJS();
  // Bucket starts come back as epoch ms: DuckDB's text of a timestamp before year 1 or after 9999
  // ("(BC)", five-digit years) is not one Date parses.
  const buckets = (await bucketed(`epoch_ms(date_trunc('${q.bucket}', epoch_ms(predicted_at)))`)).map((r) => ({ start: new Date(Number(r.b)).toISOString(), ...present(r, task) }));
  const [overall] = await bucketed('NULL::BIGINT');
  await db.run('DROP TABLE joined');
  return { model: q.model, task, bucket: q.bucket, threshold: q.threshold, buckets, overall: overall ? present(overall, task) : { count: 0 } };
}

function present(r: Record<string, unknown>, task: Task): Metrics {
  const n = (k: string) => (r[k] === null || r[k] === undefined ? null : Number(r[k]));
  return task === 'classification' ? { count: Number(r.n), accuracy: n('accuracy'), logLoss: n('log_loss'), auc: n('auc') } : { count: Number(r.n), mae: n('mae'), rmse: n('rmse') };
}

function classificationSql(bucket: string, threshold: number): string {
  return `
    WITH c AS (SELECT ${bucket} AS b, probability AS p, label FROM joined WHERE probability IS NOT NULL AND label IN (0, 1)),
    ranked AS (
      SELECT b, label, rank() OVER (PARTITION BY b ORDER BY p) + (count(*) OVER (PARTITION BY b, p) - 1) / 2.0 AS r FROM c
    ),
    auc AS (
      SELECT b, count(*) FILTER (label = 1)::DOUBLE AS n1, count(*) FILTER (label = 0)::DOUBLE AS n0, sum(r) FILTER (label = 1) AS rsum FROM ranked GROUP BY b
    ),
    m AS (
      SELECT b, count(*) AS n,
        avg(CASE WHEN (p >= ${threshold}) = (label = 1) THEN 1.0 ELSE 0.0 END) AS accuracy,
        -avg(label * ln(greatest(p, ${EPS})) + (1 - label) * ln(greatest(1 - p, ${EPS}))) AS log_loss
      FROM c GROUP BY b
    )
    SELECT m.b, m.n, m.accuracy, m.log_loss,
      CASE WHEN auc.n1 > 0 AND auc.n0 > 0 THEN (auc.rsum - auc.n1 * (auc.n1 + 1) / 2) / (auc.n1 * auc.n0) END AS auc
    FROM m JOIN auc ON m.b IS NOT DISTINCT FROM auc.b ORDER BY m.b`;
}

function regressionSql(bucket: string): string {
  return `
    SELECT ${bucket} AS b, count(*) AS n, avg(abs(prediction - label)) AS mae, sqrt(avg((prediction - label) ^ 2)) AS rmse
    FROM joined WHERE prediction IS NOT NULL GROUP BY 1 ORDER BY 1`;
}
