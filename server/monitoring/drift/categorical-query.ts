import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../offline/duckdb-query.js';
import type { SideSql } from './numeric-query.js';

/** Categories kept by name (the most frequent over both sides); the rest are counted as one "other" bin. */
export const MAX_CATEGORIES = 1000;

export interface CategoricalSummary {
  /** Non-null counts per category (the tail beyond `MAX_CATEGORIES` merged into one), most frequent first. */
  categories: { value: string; reference: number; detection: number }[];
  referenceNulls: number;
  detectionNulls: number;
  /** How many categories went into the "other" bin (0 when all are kept). */
  merged: number;
}

/** One group-by over both sides: counts per category (as text: booleans read `true`/`false`), nulls apart. */
export function categoricalSql(reference: SideSql, detection: SideSql): string {
  const side = (s: SideSql, r: string, d: string) => `SELECT CAST(${s.column} AS VARCHAR) AS v, ${r} AS r, ${d} AS d FROM ${s.relation} GROUP BY 1`;
  return `WITH counts AS (
  SELECT v, CAST(sum(r) AS BIGINT) AS r, CAST(sum(d) AS BIGINT) AS d FROM (
    ${side(reference, 'count(*)', '0')}
    UNION ALL
    ${side(detection, '0', 'count(*)')}
  ) GROUP BY v
),
ranked AS (SELECT v, r, d, row_number() OVER (ORDER BY v IS NULL, r + d DESC, v) AS k FROM counts)
SELECT CASE WHEN v IS NULL OR k <= ${MAX_CATEGORIES} THEN v END AS v, v IS NOT NULL AND k > ${MAX_CATEGORIES} AS other,
  CAST(sum(r) AS BIGINT) AS r, CAST(sum(d) AS BIGINT) AS d, count(*) AS n
FROM ranked GROUP BY ALL ORDER BY min(k)`;
}

export async function categoricalSummary(connection: DuckDBConnection, reference: SideSql, detection: SideSql): Promise<CategoricalSummary> {
  const rows = await queryRows(connection, categoricalSql(reference, detection));
  const out: CategoricalSummary = { categories: [], referenceNulls: 0, detectionNulls: 0, merged: 0 };
  for (const row of rows) {
    const counts = { reference: Number(row.r), detection: Number(row.d) };
    if (row.other === true) {
      out.merged = Number(row.n);
      out.categories.push({ value: '(other)', ...counts });
    } else if (row.v === null) {
      out.referenceNulls = counts.reference;
      out.detectionNulls = counts.detection;
    } else out.categories.push({ value: row.v as string, ...counts });
  }
  return out;
}
