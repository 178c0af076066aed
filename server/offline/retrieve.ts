import type { DuckDBConnection } from '@duckdb/node-api';
import { TesseraError, validationError } from '../errors.js';
import type { RunStore } from '../registry/run-store.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import { type FeatureRequest, resolveFeatures } from '../serving/resolve-features.js';
import type { DuckDbEngine } from './duckdb-engine.js';
import { execute, queryRows, storeError } from './duckdb-query.js';
import type { EntityInput } from './entity-input.js';
import { ROW, entityRelation } from './entity-relation.js';
import { rawEntityFile } from './entity-raw.js';
import type { FileStore } from './file-store.js';
import { pointInTimeSql } from './pit-query.js';
import { rangeSql } from './range-query.js';
import { type ResultColumn, resultColumns } from './result-columns.js';
import { type RetrievalPlan, type ViewSnapshots, pinnedSnapshots, planRetrieval } from './retrieval-plan.js';
import type { Scratch } from './scratch.js';
import { selectFiles } from './snapshot-files.js';
import { literal } from './sql.js';

export interface OfflineDeps {
  engine: DuckDbEngine;
  catalog: CatalogCache;
  runs: RunStore;
  files: FileStore;
}

/** A plan with the snapshot records it pinned. */
export interface PinnedPlan {
  plan: RetrievalPlan;
  snapshots: ViewSnapshots[];
}

/** A retrieval's answer: a Parquet file in the scratch folder, in output column order. */
export interface RetrievalResult {
  file: string;
  rows: number;
  columns: ResultColumn[];
  plan: RetrievalPlan;
}

export interface RetrievalOptions {
  signal?: AbortSignal;
  /** Also write the validated entity rows here (a saved dataset keeps them to rebuild from). */
  entityCopy?: string;
}

/** Resolves feature references and pins the snapshots committed now. */
export async function pinFeatures(deps: OfflineDeps, request: FeatureRequest): Promise<PinnedPlan> {
  let resolved: ReturnType<typeof resolveFeatures>;
  try {
    resolved = resolveFeatures(await deps.catalog.get(), request);
  } catch (e) {
    // A view or service another process just created: the cache follows moments later; ask the registry.
    if (!(e instanceof TesseraError && e.code === 'not_found' && (await deps.catalog.reloadIfMoved()))) throw e;
    resolved = resolveFeatures(await deps.catalog.get(), request);
  }
  return planRetrieval(resolved, deps.runs);
}

/** The snapshot records of a plan pinned before (a saved dataset's). */
export async function pinAgain(deps: OfflineDeps, plan: RetrievalPlan): Promise<PinnedPlan> {
  return { plan, snapshots: await pinnedSnapshots(plan, deps.runs) };
}

/** Point-in-time features for entity rows, written as Parquet in the scratch folder. */
export async function historicalToParquet(deps: OfflineDeps, pinned: PinnedPlan, entities: EntityInput, scratch: Scratch, options: RetrievalOptions = {}): Promise<RetrievalResult> {
  const { plan } = pinned;
  return deps.engine.withConnection(async (connection) => {
    const raw = await rawEntityFile(entities, scratch, connection, plan.keys);
    const entity = await entityRelation(connection, raw, plan.keys, scratch);
    const names = resultColumns(plan, entity.extras);
    const selections = pinned.snapshots.map(({ view, snapshots }) => {
      // No entity rows: no feature row can match, read nothing. Rows after the last entity time never
      // match; with a ttl, neither do rows before the first entity time - ttl.
      if (entity.maxTs === null) return { files: [], minTs: null, maxTs: null, overlapping: false, deduplicated: true };
      const from = view.ttl > 0 && entity.minTs !== null ? entity.minTs - view.ttl * 1000 : null;
      return selectFiles(snapshots, (f) => deps.files.locate(f), from, entity.maxTs);
    });
    if (options.entityCopy) {
      await execute(connection, `COPY (SELECT * EXCLUDE (${ROW}) FROM ${entity.sql} ORDER BY ${ROW}) TO ${literal(options.entityCopy)} (FORMAT parquet)`);
    }
    const file = scratch.file('result.parquet');
    const rows = await copyResult(connection, pointInTimeSql(plan, entity, selections), file);
    return { file, rows, columns: await typed(connection, file, names), plan };
  }, options.signal);
}

/** All feature rows of one view with event time in (start, end], deduplicated, as Parquet. */
export async function rangeToParquet(deps: OfflineDeps, pinned: PinnedPlan, start: number, end: number, scratch: Scratch, options: RetrievalOptions = {}): Promise<RetrievalResult> {
  const { plan } = pinned;
  if (plan.views.length !== 1) {
    throw validationError('a retrieval without entity rows reads one feature view; these features come from several', [
      { path: 'features', message: `from ${plan.views.map((v) => `'${v.view}'`).join(', ')}: ask for one view` },
    ]);
  }
  if (!(start < end)) throw validationError('start must be before end', [{ path: 'start', message: 'must be before end' }]);
  const view = plan.views[0];
  const names = resultColumns(plan, [], view.hasCreated ? ['created_timestamp'] : []);
  return deps.engine.withConnection(async (connection) => {
    const selection = selectFiles(pinned.snapshots[0].snapshots, (f) => deps.files.locate(f), start, end);
    const file = scratch.file('result.parquet');
    const rows = await copyResult(connection, rangeSql(plan, selection, start, end), file);
    return { file, rows, columns: await typed(connection, file, names), plan };
  }, options.signal);
}

async function copyResult(connection: DuckDBConnection, sql: string, file: string): Promise<number> {
  try {
    return await execute(connection, `COPY (${sql}) TO ${literal(file)} (FORMAT parquet)`);
  } catch (e) {
    throw storeError(e);
  }
}

/** The result columns with the types DuckDB wrote. */
async function typed(connection: DuckDBConnection, file: string, names: Omit<ResultColumn, 'type'>[]): Promise<ResultColumn[]> {
  const described = await queryRows(connection, `DESCRIBE SELECT * FROM read_parquet(${literal(file)})`);
  return names.map((c, i) => {
    if (String(described[i]?.column_name) !== c.name) throw new Error(`result column ${i} is '${String(described[i]?.column_name)}', expected '${c.name}'`);
    return { ...c, type: String(described[i].column_type) };
  });
}
