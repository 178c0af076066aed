import type { PlannedFeature } from './retrieval-plan.js';
import { ident, sqlType } from './sql.js';

/** The offline file columns a planned feature reads: its column, or a list's category columns. */
export function storedColumns(feature: PlannedFeature): string[] {
  return feature.parts ?? [feature.column];
}

/** The DuckDB type of a feature's answer column (`BIGINT[]` for a list). */
export function featureSqlType(feature: PlannedFeature): string {
  return feature.parts ? `${sqlType(feature.type)}[]` : sqlType(feature.type);
}

/**
 * A feature's value from the relation `from` (`f0.`, or '' for the bare file): its column, or for a
 * list `list_value` over the category columns in category order. `matched` is true when that relation
 * found a row; without it, an unmatched ASOF row would give a list of nulls instead of null.
 */
export function featureValue(feature: PlannedFeature, from: string, matched: string | null): string {
  if (!feature.parts) return `${from}${ident(feature.column)}`;
  const list = feature.parts.length ? `list_value(${feature.parts.map((c) => `${from}${ident(c)}`).join(', ')})` : `CAST([] AS ${featureSqlType(feature)})`;
  return matched === null ? list : `CASE WHEN ${matched} THEN ${list} END`;
}
