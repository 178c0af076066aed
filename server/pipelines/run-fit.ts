import type { FittedState } from '../domain/feature-view-version.js';
import { noRowContext, orderByEntity } from './entity-order.js';
import { FitCollector } from './fit-collector.js';
import { type RowOrigin, carriesValues, fitFeatures, inputOf } from './output-batch.js';
import { type RowBatch, takeColumn, takeRows } from './row-batch.js';
import type { RunPlan } from './run-plan.js';
import type { Stopwatch } from './stopwatch.js';

/**
 * The fit rows are the rows the run's snapshot keeps (a row that loses a tie on key and event time is
 * no fit row), or those of them within `fit.window` of its last one. A view with ffill fits on its
 * rows held in memory (`batch`, in read order, ties already dropped). A feature with an ffill step fits in
 * entity order (ffill's order: what it carries depends on it); every other feature in read order, as
 * in a view without ffill, so its state does not change with another feature's ffill step (a mean
 * sums left to right, and a different order rounds differently).
 */
export function fitInMemory(plan: RunPlan, batch: RowBatch, watch: Stopwatch): { states: Record<string, unknown[]>; fitted: FittedState } {
  return watch.time('fit', () => {
    const collector = new FitCollector();
    collector.add(batch);
    const selection = fitSelection(plan, collector);
    const rows = selection.keep ? takeRows(batch, selection.keep) : batch;
    const ordered = orderByEntity(rows);
    const fitted = {
      ...fitFeatures(
        rows,
        plan.features.filter((f) => !carriesValues(f)),
        noRowContext(),
        rowOrigin(plan),
      ),
      ...fitFeatures(ordered.batch, plan.features.filter(carriesValues), ordered.rows, rowOrigin(plan)),
    };
    // In the definition's order, as one fit of every feature kept them.
    const states = Object.fromEntries(plan.features.filter((f) => f.name in fitted).map((f) => [f.name, fitted[f.name]]));
    return { states, fitted: { ...selection.range, features: states } };
  });
}

/** Every other view fits from collected input columns, one column at a time. */
export function fitColumns(plan: RunPlan, collector: FitCollector, watch: Stopwatch): { states: Record<string, unknown[]>; fitted: FittedState } {
  return watch.time('fit', () => {
    const { keep, range } = fitSelection(plan, collector);
    const states: Record<string, unknown[]> = {};
    for (const [name, joined] of collector.columns()) {
      const column = keep ? takeColumn(joined, keep) : joined;
      const features = plan.features.filter((f) => inputOf(f) === name);
      const only: RowBatch = { length: range.rows, keys: [], eventTs: new Float64Array(0), createdTs: null, inputs: new Map([[name, column]]) };
      Object.assign(states, fitFeatures(only, features, noRowContext(), rowOrigin(plan)));
    }
    return { states, fitted: { ...range, features: states } };
  });
}

/** What names a row in a transform error: the view's source and join keys. */
export function rowOrigin(plan: RunPlan): RowOrigin {
  return { source: plan.version.definition.source.name, keyNames: plan.layout.keyColumns };
}

/** The rows the snapshot keeps (ties dropped) within `fit.window`, whose start is exclusive as a run window's is. */
function fitSelection(plan: RunPlan, collector: FitCollector): { keep: Int32Array | null; range: { rows: number; from: number | null; to: number | null } } {
  const { max } = collector.range;
  const window = plan.version.definition.fitWindow;
  const selected = collector.select(window ? max - window * 1000 : null);
  const rows = selected.keep ? selected.keep.length : collector.length;
  return { keep: selected.keep, range: { rows, from: rows ? selected.min : null, to: rows ? max : null } };
}
