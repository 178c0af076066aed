import { type Column, numericColumnFrom, stringColumnFrom, valueAt } from '../columns/column.js';
import type { FeatureInput } from '../domain/feature-view.js';
import { joinKeyOf, joinKeyProblem } from '../domain/join-key-value.js';
import type { FeatureType } from '../domain/value-type.js';
import { conflict, describeValue, notFound, TesseraError, validationError } from '../errors.js';
import { noRowContext, orderByEntity } from '../pipelines/entity-order.js';
import { carriesValues, inputOf, transformBatch } from '../pipelines/output-batch.js';
import type { RowBatch } from '../pipelines/row-batch.js';
import type { RunStore } from '../registry/run-store.js';
import type { Catalog } from '../registry/catalog.js';
import { joinKeysOf } from '../registry/view-definition.js';
import { toBool, toFloat64, toInt64, toStringValue } from '../sources/coerce.js';
import { TransformRowError } from '../transforms/state.js';
import { FieldErrorList } from '../field-error-list.js';

export interface TransformRequest {
  rows: Record<string, unknown>[];
  version?: number;
}

export interface TransformResponse {
  featureView: string;
  version: number;
  columns: string[];
  rows: Record<string, unknown>[];
}

const COERCE: Record<FeatureType, (v: unknown) => number | string | boolean | null | undefined> = {
  float64: toFloat64,
  int64: toInt64,
  bool: toBool,
  string: toStringValue,
};

/**
 * Request-time transforms: raw values in, exactly what the pipeline would have written for them out,
 * through the same coercion, the same chain engine and the version's frozen state. ffill carries the
 * last value each entity had in the latest run, so rows must carry the join keys.
 */
export async function transformRows(catalog: Catalog, runs: RunStore, viewName: string, request: TransformRequest, maxRows: number): Promise<TransformResponse> {
  const view = catalog.featureViews.get(viewName);
  if (!view) throw notFound('feature view', viewName, 'name');
  const version = request.version === undefined ? view.versions[view.versions.length - 1] : view.versions.find((v) => v.version === request.version);
  if (!version) throw notFound(`version of feature view '${viewName}'`, request.version ?? 0, 'version');
  if (!version.fittedState) throw conflict(`version ${version.version} of '${viewName}' has no fitted state yet: materialize it first`, [{ path: 'version', message: 'not fitted yet' }]);
  const rows = request.rows;
  if (rows.length === 0) throw validationError('rows must not be empty', [{ path: 'rows', message: 'at least one row is required' }]);
  if (rows.length > maxRows) throw validationError(`${rows.length} rows is more than the limit of ${maxRows}`, [{ path: 'rows', message: `at most ${maxRows}` }]);

  const features = version.definition.features;
  // Bounded: a body of a million bad values answers the first hundred, and counts the rest.
  const problems = new FieldErrorList();
  const inputs = new Map<string, Column>();
  for (const f of features) {
    const name = inputOf(f);
    if (inputs.has(name)) continue;
    const values = rows.map((row, i) => {
      const v = COERCE[f.type](row[name]);
      if (v === undefined) problems.add(`rows[${i}].${name}`, `${describeValue(row[name])} is not a ${f.type}`);
      return v ?? null;
    });
    inputs.set(name, f.type === 'string' ? stringColumnFrom(values as (string | null)[]) : numericColumnFrom(values as (number | boolean | null)[]));
  }
  const keys = joinKeysOf(version.definition);
  const hasFfill = features.some(carriesValues);
  const keyColumns = keys.map((k) => {
    const values = rows.map((row, i) => {
      // The rule every way in shares (join-key-value.ts); a missing key is fine unless ffill needs it.
      const v = joinKeyOf(k.type, row[k.name]);
      if (v === undefined) problems.add(`rows[${i}].${k.name}`, joinKeyProblem(k.type, row[k.name]));
      else if (hasFfill && v === null) problems.add(`rows[${i}].${k.name}`, `join key '${k.name}' is required: ffill carries values per entity`);
      return v ?? null;
    });
    // An int64 key beyond 2^53 is carried as its exact decimal text, as a pipeline run carries it.
    if (values.some((v) => typeof v === 'bigint')) return stringColumnFrom(values.map((v) => (v === null ? null : String(v))));
    return k.type === 'int64' ? numericColumnFrom(values as (number | null)[]) : stringColumnFrom(values as (string | null)[]);
  });
  const { errors } = problems;
  if (errors.length) throw new TesseraError('validation', `invalid rows: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}${problems.more()}`, errors);

  const batch: RowBatch = { length: rows.length, keys: keyColumns, eventTs: new Float64Array(rows.length), createdTs: null, inputs };
  const states = version.fittedState.features;
  let output: ReturnType<typeof transformBatch>;
  if (hasFfill) {
    // Rows of one entity in the order given, each seeded with that entity's value from the latest run.
    const ordered = orderByEntity({ ...batch, eventTs: Float64Array.from({ length: rows.length }, (_, i) => i) });
    const carry = await runs.carry(view.name, version.version);
    const position = ordered.batch.eventTs;
    output = namingRow(
      features,
      (row) => position[row],
      () => transformBatch(ordered.batch, features, states, ordered.rows, carry),
    );
    const back = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) back[position[i]] = i;
    output = { ...output, columns: output.columns.map((c) => ({ ...c, column: reorder(c.column, back) })) };
  } else {
    output = namingRow(
      features,
      (row) => row,
      () => transformBatch(batch, features, states, noRowContext(), {}),
    );
  }
  const answers = answerShape(features, output.columns, new Set(view.metadata.listAnswers ?? []));
  const cell = (c: OutputColumn, i: number) => {
    const v = valueAt(c.column, i);
    return c.type === 'bool' && v !== null ? v === 1 : v;
  };
  return {
    featureView: view.name,
    version: version.version,
    columns: answers.map((a) => a.name),
    rows: rows.map((_, i) => {
      const out: Record<string, unknown> = {};
      for (const a of answers) out[a.name] = a.list ? a.parts.map((c) => cell(c, i)) : cell(a.parts[0], i);
      return out;
    }),
  };
}

type OutputColumn = ReturnType<typeof transformBatch>['columns'][number];

/**
 * The answer's columns: each output column, except that a one-hot feature answered as a list
 * (`answer: list`) gives one column named after it holding its category columns' values in order.
 */
function answerShape(features: FeatureInput[], columns: OutputColumn[], lists: Set<string>): { name: string; list: boolean; parts: OutputColumn[] }[] {
  const out: { name: string; list: boolean; parts: OutputColumn[] }[] = [];
  for (const f of features) {
    const own = columns.filter((c) => c.name === f.name || c.name.startsWith(`${f.name}__`));
    if (lists.has(f.name)) out.push({ name: f.name, list: true, parts: own });
    else for (const c of own) out.push({ name: c.name, list: false, parts: [c] });
  }
  return out;
}

/** Runs `transform`; a value it cannot transform becomes a 422 naming the request row and field. */
function namingRow<T>(features: FeatureInput[], original: (row: number) => number, transform: () => T): T {
  try {
    return transform();
  } catch (e) {
    if (!(e instanceof TransformRowError)) throw e;
    const feature = features.find((f) => f.name === e.feature);
    const path = `rows[${original(e.row)}].${feature ? inputOf(feature) : e.feature}`;
    throw new TesseraError('transform_error', `${path}: ${e.message}`, [{ path, message: e.reason }], { cause: e });
  }
}

/** Column rows in original order: `back[i]` is where original row i sits in `column`. */
function reorder(column: Column, back: Int32Array): Column {
  if (column.kind === 'numeric') return { kind: 'numeric', values: Float64Array.from(back, (j) => column.values[j]) };
  return { kind: 'string', codes: Int32Array.from(back, (j) => column.codes[j]), dictionary: column.dictionary };
}
