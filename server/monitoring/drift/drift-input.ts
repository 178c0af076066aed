import type { DatasetStore } from '../../datasets/dataset-store.js';
import { formatTimestamp, MIN_TIMESTAMP_MS } from '../../domain/time.js';
import { notFound, validationError } from '../../errors.js';
import { fileMayHold, serviceLogFolder } from '../../feature-logging/log-files.js';
import { LOG_TIMESTAMP } from '../../feature-logging/log-schema.js';
import { ENTITY_TIMESTAMP } from '../../offline/entity-input.js';
import type { FileStore } from '../../offline/file-store.js';
import { selectFiles } from '../../offline/snapshot-files.js';
import { fileList, ident, int, literal } from '../../offline/sql.js';
import type { RunStore } from '../../registry/run-store.js';
import type { DriftInputSpec } from './drift-spec.js';
import type { DriftTarget } from './drift-target.js';

/** A sample resolved to SQL: a relation over Parquet files, and how a view's column is named in it. */
export interface DriftInput {
  /** What was read, for the report: `snapshots 3, 4`, `window [...)`, `dataset x`, `logs of s [...)`. */
  description: string;
  relation: string;
  /** A feature's column in the relation: `view__column` in logs (and full-name datasets), else `column`. */
  columns: Map<string, string>;
}

export interface DriftInputDeps {
  runs: RunStore;
  datasets: DatasetStore;
  files: FileStore;
  /** Lists a relation's columns (a DuckDB `DESCRIBE`). */
  describe: (relation: string) => Promise<string[]>;
  /** Whether a relation holds at least one row. */
  hasRows: (relation: string) => Promise<boolean>;
}

/** The [from, to) window a spec names, `last`/`offset` counted back from `now`. */
export function inputWindow(spec: { start?: number; end?: number; last?: number; offset?: number }, now: number): { from: number | null; to: number } {
  if (spec.last !== undefined) {
    const to = now - (spec.offset ?? 0) * 1000;
    const from = to - spec.last * 1000;
    // A `last` reaching before year 0001 bounds nothing (no timestamp is earlier): shown as -∞, not as year -271821.
    return { from: from < MIN_TIMESTAMP_MS ? null : from, to };
  }
  return { from: spec.start ?? null, to: spec.end ?? now };
}

/** `inputWindow` of a request's side, refusing what would be silently dropped or empty: a 400 naming the field. */
function checkedWindow(spec: { start?: number; end?: number; last?: number; offset?: number }, now: number, path: string): { from: number | null; to: number } {
  const given = (['start', 'end'] as const).find((k) => spec[k] !== undefined);
  if (given !== undefined && spec.last !== undefined)
    throw validationError(`the ${path} gives both ${given} and last`, [{ path: `${path}.last`, message: `give either start/end or last, not both (${given} is given)` }]);
  const w = inputWindow(spec, now);
  if (w.from !== null && w.to < w.from) {
    const [field, message] = spec.end === undefined ? ['start', 'is after now, where the window ends by default'] : ['end', 'must not be before start'];
    throw validationError(`the ${path} window ends before it starts`, [{ path: `${path}.${field}`, message }]);
  }
  return w;
}

const windowText = (w: { from: number | null; to: number }) => `[${w.from === null ? '-∞' : formatTimestamp(w.from)}, ${formatTimestamp(w.to)})`;

function timeFilter(column: string, w: { from: number | null; to: number }): string {
  return [...(w.from === null ? [] : [`epoch_ms(${ident(column)}) >= ${int(w.from)}`]), `epoch_ms(${ident(column)}) < ${int(w.to)}`].join(' AND ');
}

/** Resolves one side of a comparison; `path` (`reference`, `detection`) names it in errors. */
export async function driftInput(deps: DriftInputDeps, target: DriftTarget, spec: DriftInputSpec, now: number, path: string): Promise<DriftInput> {
  let description: string;
  let relation: string;
  if ('snapshots' in spec) {
    const files: string[] = [];
    for (const [i, id] of spec.snapshots.entries()) {
      // Given twice, a snapshot's rows would be read twice and weigh double in the sample.
      if (spec.snapshots.indexOf(id) !== i)
        throw validationError(`snapshot ${id} is given twice`, [{ path: `${path}.snapshots[${i}]`, message: `already ${path}.snapshots[${spec.snapshots.indexOf(id)}]` }]);
      const snapshot = await deps.runs.snapshot(id);
      if (!snapshot || snapshot.featureView !== target.view || snapshot.version !== target.version) {
        throw notFound(`snapshot of ${target.view}@${target.version}`, id, `${path}.snapshots[${i}]`);
      }
      if (snapshot.replacedBy !== null)
        throw validationError(`snapshot ${id} was compacted into snapshot ${snapshot.replacedBy}`, [{ path: `${path}.snapshots[${i}]`, message: `compacted into ${snapshot.replacedBy}` }]);
      files.push(...snapshot.files.map((f) => deps.files.locate(f)));
    }
    description = `snapshots ${spec.snapshots.join(', ')}`;
    relation = files.length ? `(SELECT * FROM read_parquet(${fileList(files)}, union_by_name = true))` : '';
  } else if ('dataset' in spec) {
    const record = await deps.datasets.get(spec.dataset);
    if (!record?.metadata) throw notFound('training dataset', spec.dataset, `${path}.dataset`);
    description = `dataset ${spec.dataset}`;
    relation = `(SELECT * FROM read_parquet(${literal(deps.files.locate(record.metadata.data.file))}))`;
  } else if ('featureService' in spec) {
    const w = checkedWindow(spec, now, path);
    const files = (await deps.files.list(serviceLogFolder(spec.featureService))).filter((f) => fileMayHold(f, w.from ?? Number.NEGATIVE_INFINITY, w.to));
    description = `logs of ${spec.featureService} ${windowText(w)}`;
    relation = files.length ? `(SELECT * FROM read_parquet(${fileList(files.map((f) => deps.files.locate(f)))}, union_by_name = true) WHERE ${timeFilter(LOG_TIMESTAMP, w)})` : '';
  } else {
    const w = checkedWindow(spec, now, path);
    const selection = selectFiles(await deps.runs.snapshots(target.view, target.version), (f) => deps.files.locate(f), w.from, w.to);
    description = `window ${windowText(w)}`;
    relation = selection.files.length ? `(SELECT * FROM read_parquet(${fileList(selection.files)}, union_by_name = true) WHERE ${timeFilter(ENTITY_TIMESTAMP, w)})` : '';
  }
  if (relation === '') throw validationError(`the ${path} holds no rows: ${description} has no files`, [{ path, message: `no rows in ${description}` }]);
  // Files whose rows all fall outside the window (or an empty window) hold no sample either: every
  // feature would compare nothing and the report would say "no drift".
  if (!(await deps.hasRows(relation))) throw validationError(`the ${path} holds no rows: ${description} has none`, [{ path, message: `no rows in ${description}` }]);
  const present = new Set(await deps.describe(relation));
  const columns = new Map<string, string>();
  for (const feature of target.features) {
    const name = [`${target.view}__${feature.name}`, feature.name].find((c) => present.has(c));
    if (name === undefined) throw validationError(`the ${path} (${description}) has no column for '${feature.name}'`, [{ path, message: `no column ${feature.name}` }]);
    columns.set(feature.name, ident(name));
  }
  return { description, relation, columns };
}
