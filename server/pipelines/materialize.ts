import path from 'node:path';
import type { RecordBatch } from '../vendor/arrow.cjs';
import type { Clock } from '../clock.js';
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
import { RejectsWriter } from './rejects-writer.js';
import { concatBatches, type RowBatch, rowBatchFromArrow, takeRows } from './row-batch.js';
import { planRun, type RunPlan } from './run-plan.js';
import type { RunRecord } from '../domain/run.js';
import type { RunStore } from '../registry/run-store.js';
import type { LeaseStore } from '../registry/lease-store.js';
import { takeFence } from './run-fence.js';
import { attemptName } from './attempt-name.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { FitCollector } from './fit-collector.js';
import { SpillFile } from './spill.js';
import { tieWinners } from './tie-winners.js';
import { Stopwatch } from './stopwatch.js';
import { ValidateStep } from './validate-step.js';
import { fitColumns, fitInMemory, rowOrigin } from './run-fit.js';
import { commitRunSnapshot, finishCommittedRun } from './run-commit.js';
import { recordFailure } from './run-failure.js';
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
    const snapshotId = await commitRunSnapshot({ run, plan, snapshot, fitted, carry, rowsIn, rejects, rejectsFile, fence }, deps, watch);
    builder = null;
    log.info({ snapshotId, rowsIn, rowsOut: snapshot.rows, rejected: rejects.count, files: snapshot.files.length }, 'snapshot committed');

    // `return await`, so that a failure after the commit still ends in the catch below.
    return await finishCommittedRun(run, snapshotId, latest, online, deps, log, watch, current);
  } catch (e) {
    return await recordFailure(e, { run, builder, spill, rejects, rowsIn, watch, log, current }, deps);
  }
}

function writerLayout(plan: RunPlan, run: RunRecord) {
  return { folder: `${plan.offlineDir}/${attemptName('run=', run)}`, keys: plan.version.definition.entities.flatMap((e) => e.joinKeys), hasCreated: plan.layout.createdColumn !== null };
}
