import path from 'node:path';
import type { RecordBatch } from '../vendor/arrow.cjs';
import type { Clock } from '../clock.js';
import { TesseraError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FileStore } from '../offline/file-store.js';
import type { DuckDbEngine } from '../offline/duckdb-engine.js';
import { type SnapshotFileOptions, SnapshotWriter } from '../offline/snapshot-writer.js';
import type { OnlineStore } from '../online/online-store.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { FittedState } from '../domain/feature-view-version.js';
import { openSource } from '../sources/open-source.js';
import type { SourceContext } from '../sources/source.js';
import { noRowContext, orderByEntity } from './entity-order.js';
import { type RowOrigin, carriesValues, fitFeatures, inputOf } from './output-batch.js';
import { RejectsWriter } from './rejects-writer.js';
import { concatBatches, type RowBatch, rowBatchFromArrow, takeColumn, takeRows } from './row-batch.js';
import { planRun, type RunPlan } from './run-plan.js';
import type { RunRecord } from '../domain/run.js';
import type { RunStore } from '../registry/run-store.js';
import type { LeaseStore } from '../registry/lease-store.js';
import { LeaseLostError } from '../registry/commit-rules.js';
import { takeFence } from './run-fence.js';
import { attemptName } from './attempt-name.js';
import { deletedMidRun } from './deleted-mid-run.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { FitCollector } from './fit-collector.js';
import { SpillFile } from './spill.js';
import { tieWinners } from './tie-winners.js';
import { Stopwatch } from './stopwatch.js';
import { syncOnline } from './online-sync.js';
import { ValidateStep } from './validate-step.js';
import type { ValidationStore } from '../validation/validation-store.js';

export interface MaterializeDeps {
  catalog: CatalogCache;
  runs: RunStore;
  /** Where each run's validation report goes. */
  validation: ValidationStore;
  files: FileStore;
  /** The DuckDB that stages, sorts and writes a run's Parquet files. */
  engine: DuckDbEngine;
  /** Rows per file and per row group of the offline files. */
  fileOptions: SnapshotFileOptions;
  online: OnlineStore | null;
  sourceContext: SourceContext;
  dataDir: string;
  clock: Clock;
  logger: Logger;
  /** Rows per source batch. */
  batchSize: number;
  /** A first run holds up to this many rows in memory while it fits; beyond, it parks them on disk. */
  spillRows: number;
  /** First retry delay after a source error; doubles per attempt. */
  retryDelayMs: number;
  /** Told the rows read so far after each source batch (the CLI draws progress with it). */
  onRowsRead?: (rowsIn: number) => void;
  /**
   * Where runs execute under their holder's runner lease (serve's runners): the leases, so that a run
   * commits only while its holder still holds that lease as it was when the run started.
   */
  fenceLeases?: LeaseStore;
}

export type RunOutcome = { status: 'succeeded' | 'failed' | 'requeued'; run: RunRecord };

/**
 * Executes one claimed run, in the order docs/semantics.md ("Pipeline run") gives: read the source window -> coerce (rejects
 * counted and kept) -> fit (a version's first run with rows) -> transform -> write Parquet -> commit
 * the snapshot in one registry transaction -> upsert the online store. A failure before the commit
 * leaves nothing visible; a source error is retried with backoff.
 */
export async function executeRun(run: RunRecord, deps: MaterializeDeps): Promise<RunOutcome> {
  const watch = new Stopwatch();
  const log = deps.logger.child({ runId: run.id, featureView: run.featureView, version: run.version });
  // Every path this attempt writes names it (attemptName): an attempt cut off from its lease may go on
  // writing, and its abort removes what it wrote, never the files of the attempt that took over.
  const rejects = new RejectsWriter(deps.dataDir, `rejects/${run.featureView}/v${run.version}/${attemptName('run-', run)}.jsonl`);
  let rowsIn = 0;
  let spill = null as SpillFile | null;
  let builder: SnapshotBuilder | null = null;
  const current = () => deps.runs.get(run.id).then((r) => r!);
  try {
    const fence = deps.fenceLeases && run.holder !== null ? await takeFence(run.id, run.holder, deps.fenceLeases) : undefined;
    const catalog = await deps.catalog.refresh();
    const watermark = await deps.runs.watermark(run.featureView, run.version);
    const plan = watch.time('plan', () => planRun(run, catalog, watermark, deps.clock.now()));
    log.info({ range: plan.range, needsFit: plan.needsFit }, 'run started');

    const source = openSource(plan.version.definition.batchSource ?? plan.version.definition.source, deps.sourceContext);
    async function* read(): AsyncGenerator<RecordBatch> {
      const request = { range: plan.range, timestampColumn: plan.layout.timestampColumn, columns: plan.columns, batchSize: deps.batchSize };
      for await (const next of watch.iterate('read', source.read(request))) {
        rowsIn += next.batch.numRows + next.rejects.length;
        deps.onRowsRead?.(rowsIn);
        rejects.add(next.rejects);
        if (next.batch.numRows > 0) yield next.batch;
      }
    }
    const toRows = (b: RecordBatch) => watch.time('read', () => rowBatchFromArrow(b, plan.layout));
    const validate = ValidateStep.of(plan, run, deps.validation, watch);
    // Each source batch once, as it is read (not again when a parked batch comes back from disk).
    const fromSource = (b: RecordBatch) => {
      const rows = toRows(b);
      validate?.add(rows);
      return rows;
    };

    const carry = plan.hasFfill ? await deps.runs.carry(run.featureView, run.version) : {};
    let states = plan.version.fittedState?.features ?? null;
    let fitted: FittedState | null = null;
    const online = deps.online !== null && plan.view.metadata.online;
    builder = new SnapshotBuilder(new SnapshotWriter(deps.engine, deps.files, writerLayout(plan, run), deps.fileOptions), plan.features, watch, online, rowOrigin(plan));

    if (plan.hasFfill) {
      // ffill needs each entity's rows in event-time order across the whole run: hold them, sort once.
      const all: RowBatch[] = [];
      for await (const b of read()) all.push(fromSource(b));
      if (all.length) {
        const readRows = concatBatches(all);
        // Rows that lose a tie on key and event time are dropped before ffill and the fit see them.
        const winners = watch.time('sort', () => tieWinners(readRows));
        const inReadOrder = winners ? takeRows(readRows, winners) : readRows;
        const ordered = watch.time('sort', () => orderByEntity(inReadOrder));
        if (!states) ({ states, fitted } = fitInMemory(plan, inReadOrder, watch));
        await builder.add(ordered.batch, states, ordered.rows, carry, Float64Array.from(ordered.order));
      }
    } else if (!states) {
      // The fit must see every fit row before any row is transformed. Up to `spillRows` rows wait in
      // memory; beyond, source batches wait on disk, and only the fit's input columns stay in memory.
      const kept: RowBatch[] = [];
      const fitRows = new FitCollector();
      for await (const b of read()) {
        const rows = fromSource(b);
        fitRows.add(rows);
        if (spill === null && fitRows.length <= deps.spillRows) kept.push(rows);
        else watch.time('spill', () => (spill ??= new SpillFile(path.join(deps.dataDir, 'tmp', attemptName('run-', run), 'spill.arrows'))).append(b));
      }
      if (fitRows.length) {
        ({ states, fitted } = fitColumns(plan, fitRows, watch));
        // Each held batch is let go once staged: the run never holds its input and its staged copy whole at once.
        for (let rows = kept.shift(); rows !== undefined; rows = kept.shift()) await builder.add(rows, states, noRowContext(), carry);
        const parked = spill?.batches();
        for (;;) {
          const next = parked ? watch.time('spill', () => parked.next()) : { done: true as const };
          if (next.done) break;
          await builder.add(toRows(next.value), states, noRowContext(), carry);
        }
      }
    } else {
      for await (const b of read()) await builder.add(fromSource(b), states, noRowContext(), carry);
    }

    // A strict view's failing run throws here: its staged files are dropped below, nothing commits.
    await validate?.finish(deps.clock.now());
    const { latest, ...snapshot } = await builder.finish();
    const rejectsFile = await rejects.close();
    spill?.remove();
    spill = null;
    const snapshotId = await watch.timeAsync('commit', () =>
      deps.runs.commitSnapshot(
        {
          runId: run.id,
          featureView: run.featureView,
          version: run.version,
          ...snapshot,
          windowStart: plan.range.start,
          windowEnd: plan.range.end,
          watermark: plan.advancesWatermark ? plan.range.end : null,
          fittedState: fitted,
          carry,
          counts: { rowsIn, rowsOut: snapshot.rows, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile },
          steps: watch.steps(),
          ...(fence ? { fence } : {}),
        },
        deps.clock.now(),
      ),
    );
    builder = null;
    log.info({ snapshotId, rowsIn, rowsOut: snapshot.rows, rejected: rejects.count, files: snapshot.files.length }, 'snapshot committed');

    if (online) {
      try {
        await watch.timeAsync('online', () => syncOnline(run, snapshotId, latest, deps, log));
      } catch (e) {
        const deleted = await deletedMidRun(deps.runs, run, log);
        if (deleted) return deleted;
        // The snapshot stays committed; the next run of this version writes it online again.
        log.error({ err: e }, 'online store write failed');
        await deps.runs.fail(run.id, 'online_store_error', `the snapshot was committed, but the online store write failed: ${errorMessage(e)}`, deps.clock.now(), { steps: watch.steps(), snapshotId });
        return { status: 'failed', run: await current() };
      }
    }
    await deps.runs.succeed(run.id, deps.clock.now(), watch.steps());
    const done = await current();
    // succeed leaves a run failed meanwhile as it is: its view deleted since the online write.
    if (done.status !== 'succeeded') return (await deletedMidRun(deps.runs, run, log)) ?? { status: 'failed', run: done };
    return { status: 'succeeded', run: done };
  } catch (e) {
    await builder?.abort().catch(() => undefined);
    spill?.remove();
    const rejectsFile = await rejects.close().catch(() => null);
    const deleted = await deletedMidRun(deps.runs, run, log);
    if (deleted) return deleted;
    const code = e instanceof TesseraError ? e.code : 'internal';
    const message = errorMessage(e);
    if (!(e instanceof TesseraError)) log.error({ err: e }, 'run failed with an unexpected error');
    if (e instanceof LeaseLostError) {
      // Failed only while still ours: a run taken over belongs to its new holder.
      log.warn({ err: message }, 'lease lost: the run is not committed');
      await deps.runs.fail(
        run.id,
        'lease_lost',
        message,
        deps.clock.now(),
        { steps: watch.steps(), rowsIn, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile },
        e.fence.holder,
      );
      return { status: 'failed', run: await current() };
    }
    if (code === 'source_error' && run.attempt < run.maxAttempts) {
      const delay = deps.retryDelayMs * 2 ** (run.attempt - 1);
      log.warn({ attempt: run.attempt, delay, err: message }, 'source error: retrying');
      await deps.runs.requeue(run.id, deps.clock.now() + delay, message);
      return { status: 'requeued', run: await current() };
    }
    log.warn({ reason: code, err: message }, 'run failed');
    await deps.runs.fail(run.id, code, message, deps.clock.now(), { steps: watch.steps(), rowsIn, rowsRejected: rejects.count, rejectsByReason: rejects.byReason, rejectsFile });
    return { status: 'failed', run: await current() };
  }
}

function writerLayout(plan: RunPlan, run: RunRecord) {
  return { folder: `${plan.offlineDir}/${attemptName('run=', run)}`, keys: plan.version.definition.entities.flatMap((e) => e.joinKeys), hasCreated: plan.layout.createdColumn !== null };
}

/**
 * The fit rows are the rows the run's snapshot keeps (a row that loses a tie on key and event time is
 * no fit row), or those of them within `fit.window` of its last one. A view with ffill fits on its
 * rows held in memory (`batch`, in read order, ties already dropped). A feature with an ffill step fits in
 * entity order (ffill's order: what it carries depends on it); every other feature in read order, as
 * in a view without ffill, so its state does not change with another feature's ffill step (a mean
 * sums left to right, and a different order rounds differently).
 */
function fitInMemory(plan: RunPlan, batch: RowBatch, watch: Stopwatch): { states: Record<string, unknown[]>; fitted: FittedState } {
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
function fitColumns(plan: RunPlan, collector: FitCollector, watch: Stopwatch): { states: Record<string, unknown[]>; fitted: FittedState } {
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
function rowOrigin(plan: RunPlan): RowOrigin {
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
