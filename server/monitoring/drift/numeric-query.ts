import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../offline/duckdb-query.js';

/** Per-value counts are returned for numbers with at most this many distinct values (tested as categories). */
export const MAX_VALUE_COUNTS = 100;

/** A side of a comparison in SQL: a relation (a parenthesized query) and the column's expression in it. */
export interface SideSql {
  relation: string;
  column: string;
}

/** What one query over both sides yields for a numeric feature; everything else is arithmetic on it. */
export interface NumericSummary {
  /** Non-null, finite values. */
  referenceRows: number;
  detectionRows: number;
  /** Nulls, NaN and infinities (Evidently drops them from its tests; PSI and JS keep them in a bin of their own). */
  referenceNulls: number;
  detectionNulls: number;
  /** Distinct values in both samples together. */
  distinctValues: number;
  /** Population standard deviation of the reference (numpy's `std`, ddof 0). */
  referenceStd: number;
  /** max |F_ref - F_det| over every value: the exact two-sample KS statistic. */
  ks: number;
  /** ∫|F_ref - F_det|: the exact Wasserstein-1 distance. */
  wasserstein: number;
  /**
   * The reference's decile edges, each with both samples' cumulative counts at it (values <= edge):
   * the lower 10%..90% quantiles (inverted CDF), equal ones merged.
   */
  edges: { value: number; referenceCumulative: number; detectionCumulative: number }[];
  /** Per-value counts, ascending, when there are at most `MAX_VALUE_COUNTS` distinct values. */
  values: { value: number; reference: number; detection: number }[] | null;
}

/**
 * One query per feature: both sides grouped by value, then one ordered pass over the distinct values
 * with running counts gives the exact KS statistic, the Wasserstein distance (|F_ref - F_det| times
 * the gap to the next value), the reference's deciles (the values where its running count crosses a
 * tenth) and its standard deviation. Nothing is sampled; the group-by is the only pass over the rows.
 * The per-value list is a FILTER, not a CASE around the aggregate: a CASE still builds and sorts the
 * list of every distinct value (a million structs per feature on near-continuous data) to drop it.
 */
export function numericSql(reference: SideSql, detection: SideSql): string {
  const side = (s: SideSql, r: string, d: string) => `SELECT CAST(${s.column} AS DOUBLE) AS v, ${r} AS r, ${d} AS d FROM ${s.relation} GROUP BY 1`;
  // A value is an edge when some decile q (1..9) has cumulative-before < q·n/10 <= cumulative, in integers.
  const isEdge = 'r > 0 AND (10 * (cr - r)) // nr + 1 <= least(9, (10 * cr) // nr)';
  return `WITH counts AS (
  SELECT v, CAST(sum(r) AS BIGINT) AS r, CAST(sum(d) AS BIGINT) AS d FROM (
    ${side(reference, 'count(*)', '0')}
    UNION ALL
    ${side(detection, '0', 'count(*)')}
  ) GROUP BY v
),
finite AS (SELECT v, r, d FROM counts WHERE v IS NOT NULL AND isfinite(v)),
missing AS (SELECT CAST(coalesce(sum(r), 0) AS BIGINT) AS null_r, CAST(coalesce(sum(d), 0) AS BIGINT) AS null_d FROM counts WHERE v IS NULL OR NOT isfinite(v)),
totals AS (SELECT CAST(coalesce(sum(r), 0) AS BIGINT) AS nr, CAST(coalesce(sum(d), 0) AS BIGINT) AS nd, count(*) AS distinct_values, sum(r * v) / nullif(sum(r), 0) AS mean FROM finite),
running AS (
  SELECT v, r, d, CAST(sum(r) OVER w AS BIGINT) AS cr, CAST(sum(d) OVER w AS BIGINT) AS cd, lead(v) OVER (ORDER BY v) - v AS gap
  FROM finite WINDOW w AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT any_value(nr) AS nr, any_value(nd) AS nd, any_value(null_r) AS null_r, any_value(null_d) AS null_d,
  any_value(distinct_values) AS distinct_values,
  max(abs(cr / nullif(nr, 0) - cd / nullif(nd, 0))) AS ks,
  sum(abs(cr / nullif(nr, 0) - cd / nullif(nd, 0)) * coalesce(gap, 0)) AS wasserstein,
  sqrt(sum(r * (v - mean) * (v - mean)) / nullif(any_value(nr), 0)) AS std,
  list({'v': v, 'cr': cr, 'cd': cd} ORDER BY v) FILTER (WHERE nr > 0 AND ${isEdge}) AS edges,
  list({'v': v, 'r': r, 'd': d} ORDER BY v) FILTER (WHERE distinct_values <= ${MAX_VALUE_COUNTS}) AS vals
FROM missing CROSS JOIN totals LEFT JOIN running ON true`;
}

export async function numericSummary(connection: DuckDBConnection, reference: SideSql, detection: SideSql): Promise<NumericSummary> {
  const [row] = await queryRows(connection, numericSql(reference, detection));
  const edges = (row.edges as { v: number; cr: bigint; cd: bigint }[] | null) ?? [];
  const values = row.vals as { v: number; r: bigint; d: bigint }[] | null;
  return {
    referenceRows: Number(row.nr),
    detectionRows: Number(row.nd),
    referenceNulls: Number(row.null_r),
    detectionNulls: Number(row.null_d),
    distinctValues: Number(row.distinct_values),
    referenceStd: (row.std as number | null) ?? 0,
    ks: (row.ks as number | null) ?? 0,
    wasserstein: (row.wasserstein as number | null) ?? 0,
    edges: edges.map((e) => ({ value: e.v, referenceCumulative: Number(e.cr), detectionCumulative: Number(e.cd) })),
    values: values === null ? null : values.filter((x) => x.v !== null).map((x) => ({ value: x.v, reference: Number(x.r), detection: Number(x.d) })),
  };
}

/**
 * The PSI/JS bins of a numeric feature: (-∞, e1], (e1, e2], ..., (e_k, +∞) on the reference's deciles,
 * then a bin for nulls; counts for each side, aligned.
 */
export function decileBins(s: NumericSummary): { reference: number[]; detection: number[] } {
  const reference: number[] = [];
  const detection: number[] = [];
  let r = 0;
  let d = 0;
  for (const e of s.edges) {
    reference.push(e.referenceCumulative - r);
    detection.push(e.detectionCumulative - d);
    r = e.referenceCumulative;
    d = e.detectionCumulative;
  }
  reference.push(s.referenceRows - r, s.referenceNulls);
  detection.push(s.detectionRows - d, s.detectionNulls);
  return { reference, detection };
}
