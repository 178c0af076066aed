import { featureSqlType, featureValue, storedColumns } from './feature-sql.js';
import type { KeyType } from '../domain/value-type.js';
import type { EntityRelation } from './entity-relation.js';
import { ROW } from './entity-relation.js';
import { ENTITY_TIMESTAMP } from './entity-input.js';
import type { PinnedView, RetrievalPlan } from './retrieval-plan.js';
import type { FileSelection } from './snapshot-files.js';
import { fileList, ident } from './sql.js';

const SHIFT = 1_048_576;
const LIMIT_MS = 2 ** 42;
const MAX_BIGINT = '9223372036854775807';
const MIN_BIGINT = '(-9223372036854775807)';

/**
 * How a view's rows are ordered for the ASOF JOIN, which takes one inequality, so every tie-break
 * of docs/semantics.md ("Point-in-time join") must live in one sort key (no dedupe pass, which would cost a sort of all
 * feature rows):
 * - `plain`: the event timestamp alone, exactly a bare ASOF JOIN. Enough when no two snapshots read
 *   overlap in event time, so a key and instant are in one snapshot, and that snapshot holds one row
 *   for it: the writer deduplicated it (greatest created time, then the row read last), or, in the
 *   old `date=` layout of a view without a created column, its duplicates are equally valid.
 * - `packed`: one BIGINT, event ms * 2^20 + the file's index in snapshot order, so a later snapshot
 *   wins a tie (a backfill's rows). As cheap as `plain` (measured), but needs |ms| < 2^42 (years
 *   1830-2109) and fewer than 2^20 files.
 * - `struct`: (event ms, created ms or -inf, file index) in a STRUCT: overlapping snapshots of a view
 *   with a created timestamp (the greatest wins, null loses), old-layout snapshots of such a view,
 *   and instants outside the packed range. ~50% more per view. Compaction merges overlapping
 *   snapshots into one deduplicated snapshot, which brings a view back to `plain`.
 */
export type KeyMode = 'plain' | 'packed' | 'struct';

export function keyMode(view: PinnedView, files: FileSelection, entity: EntityRelation): KeyMode {
  if (!files.overlapping && (!view.hasCreated || files.deduplicated)) return 'plain';
  if (view.hasCreated) return 'struct';
  const within = (ms: number | null) => ms === null || Math.abs(ms) < LIMIT_MS;
  const fits = files.files.length < SHIFT && view.ttl * 1000 < LIMIT_MS && [files.minTs, files.maxTs, entity.minTs, entity.maxTs].every(within);
  return fits ? 'packed' : 'struct';
}

const ENTITY_MS = `epoch_ms(e.${ident(ENTITY_TIMESTAMP)})`;

/** The feature side's sort key. */
function sortKey(mode: KeyMode, hasCreated: boolean): string {
  if (mode === 'plain') return 'event_timestamp';
  if (mode === 'packed') return `epoch_ms(event_timestamp) * ${SHIFT} + CAST(file_index AS BIGINT)`;
  const created = hasCreated ? `coalesce(epoch_ms(created_timestamp), ${MIN_BIGINT})` : MIN_BIGINT;
  return `{t: epoch_ms(event_timestamp), c: CAST(${created} AS BIGINT), f: CAST(file_index AS BIGINT)}`;
}

/** The entity side of the inequality: the greatest key a row at the entity time can have. */
function probe(mode: KeyMode): string {
  if (mode === 'plain') return `e.${ident(ENTITY_TIMESTAMP)}`;
  if (mode === 'packed') return `${ENTITY_MS} * ${SHIFT} + ${SHIFT - 1}`;
  return `{t: ${ENTITY_MS}, c: ${MAX_BIGINT}::BIGINT, f: ${MAX_BIGINT}::BIGINT}`;
}

/** The matched row is within the ttl: its event time >= entity time - ttl (inclusive). */
function fresh(mode: KeyMode, f: string, ttlMs: number): string {
  if (mode === 'plain') return `epoch_ms(${f}.__k) >= ${ENTITY_MS} - ${ttlMs}`;
  if (mode === 'packed') return `${f}.__k >= (${ENTITY_MS} - ${ttlMs}) * ${SHIFT}`;
  return `${f}.__k.t >= ${ENTITY_MS} - ${ttlMs}`;
}

/**
 * The point-in-time join of docs/semantics.md, one ASOF LEFT JOIN per view on its own keys: the
 * feature row with the greatest (event time, created time, snapshot) not after the entity time,
 * nulled when older than entity time - ttl. ASOF LEFT JOIN keeps every entity row exactly once;
 * ORDER BY restores input order. The entity side carries nothing a bare query would not, besides
 * the row number: probes and ttl bounds are computed where they are used.
 */
export function pointInTimeSql(plan: RetrievalPlan, entity: EntityRelation, selections: FileSelection[]): string {
  const modes = plan.views.map((v, i) => keyMode(v, selections[i], entity));
  const joins: string[] = [];
  plan.views.forEach((view, i) => {
    if (selections[i].files.length === 0) return;
    const f = `f${i}`;
    const columns = [...new Set(plan.features.filter((c) => c.view === i).flatMap(storedColumns))];
    const select = [...view.keys.map((k) => ident(k.name)), `${sortKey(modes[i], view.hasCreated)} AS __k`, ...columns.map((c) => ident(c))];
    const on = view.keys.map((k) => `${entityKey(k, plan.keys)} = ${f}.${ident(k.name)}`);
    on.push(`${probe(modes[i])} >= ${f}.__k`);
    joins.push(`ASOF LEFT JOIN (SELECT ${select.join(', ')} FROM read_parquet(${fileList(selections[i].files)}, hive_partitioning = false)) ${f} ON ${on.join(' AND ')}`);
  });
  const outputs = [
    ...plan.keys.map((k) => `e.${ident(k.name)}`),
    `e.${ident(ENTITY_TIMESTAMP)}`,
    ...entity.extras.map((c) => `e.${ident(c.name)}`),
    ...plan.features.map((c) => {
      const view = plan.views[c.view];
      if (selections[c.view].files.length === 0) return `CAST(NULL AS ${featureSqlType(c)}) AS ${ident(c.outputName)}`;
      const value = featureValue(c, `f${c.view}.`, `f${c.view}.__k IS NOT NULL`);
      if (view.ttl === 0) return `${value} AS ${ident(c.outputName)}`;
      return `CASE WHEN ${fresh(modes[c.view], `f${c.view}`, view.ttl * 1000)} THEN ${value} END AS ${ident(c.outputName)}`;
    }),
  ];
  return `SELECT ${outputs.join(', ')} FROM ${entity.sql} e ${joins.join(' ')} ORDER BY e.${ROW}`;
}

/** The entity's key, cast when two views name the same key with different types. */
function entityKey(key: { name: string; type: KeyType }, entityKeys: { name: string; type: KeyType }[]): string {
  const given = entityKeys.find((k) => k.name === key.name)!.type;
  const column = `e.${ident(key.name)}`;
  if (given === key.type) return column;
  return key.type === 'string' ? `CAST(${column} AS VARCHAR)` : `TRY_CAST(${column} AS BIGINT)`;
}
