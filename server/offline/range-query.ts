import { featureSqlType, featureValue } from './feature-sql.js';
import { ENTITY_TIMESTAMP } from './entity-input.js';
import type { RetrievalPlan } from './retrieval-plan.js';
import type { FileSelection } from './snapshot-files.js';
import { fileList, ident, int, sqlType } from './sql.js';

/**
 * Every feature row of one view with event time in (start, end], without entity rows: one row per
 * key and event time, the one a point-in-time read at that instant returns (the greatest created
 * time, null losing; then the later snapshot, as after a backfill; then the row read last). Ordered
 * by event time, then keys.
 */
export function rangeSql(plan: RetrievalPlan, selection: FileSelection, start: number, end: number): string {
  const view = plan.views[0];
  const keys = view.keys.map((k) => ident(k.name));
  const times = [ident(ENTITY_TIMESTAMP), ...(view.hasCreated ? ['created_timestamp'] : [])];
  const features = plan.features.map((c) => `${featureValue(c, '', null)} AS ${ident(c.outputName)}`);
  if (selection.files.length === 0) {
    const empty = [
      ...view.keys.map((k) => `CAST(NULL AS ${sqlType(k.type)}) AS ${ident(k.name)}`),
      ...times.map((t) => `CAST(NULL AS TIMESTAMPTZ) AS ${t}`),
      ...plan.features.map((c) => `CAST(NULL AS ${featureSqlType(c)}) AS ${ident(c.outputName)}`),
    ];
    return `SELECT ${empty.join(', ')} WHERE false`;
  }
  return [
    `SELECT ${[...keys, ...times, ...features].join(', ')}`,
    `FROM read_parquet(${fileList(selection.files)}, hive_partitioning = false, file_row_number = true)`,
    `WHERE epoch_ms(${ident(ENTITY_TIMESTAMP)}) > ${int(start)} AND epoch_ms(${ident(ENTITY_TIMESTAMP)}) <= ${int(end)}`,
    `QUALIFY row_number() OVER (PARTITION BY ${[...keys, ident(ENTITY_TIMESTAMP)].join(', ')} ORDER BY ${view.hasCreated ? 'created_timestamp DESC NULLS LAST, ' : ''}file_index DESC, file_row_number DESC) = 1`,
    `ORDER BY ${[ident(ENTITY_TIMESTAMP), ...keys].join(', ')}`,
  ].join('\n');
}
