import fs from 'node:fs';
import path from 'node:path';
import * as arrow from '../../../server/vendor/arrow.cjs';
import { fixedClock } from '../../../server/clock.js';
import { numericColumn } from '../../../server/columns/column.js';
import { loadConfig } from '../../../server/config.js';
import { parseBundle } from '../../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { createLogger } from '../../../server/logger.js';
import { toParquet } from '../../../server/offline/parquet-file.js';
import { SnapshotWriter } from '../../../server/offline/snapshot-writer.js';
import type { OutputBatch } from '../../../server/pipelines/output-batch.js';
import { type Services, openServices } from '../../../server/services.js';
import { seeded } from '../../support/seeded.js';

/** Sizes of the offline-layout scenario. */
export interface LayoutSize {
  /** Incremental runs into one view, and rows per run. */
  runs: number;
  rowsPerRun: number;
  /** Entity rows of the point-in-time read over those. */
  entityRows: number;
  /** Rows of the view with a created timestamp, in `createdSnapshots` runs, and the entity rows read against it. */
  createdRows: number;
  createdSnapshots: number;
  createdEntityRows: number;
  ids: number;
}

export const FULL: LayoutSize = { runs: 1000, rowsPerRun: 1000, entityRows: 100_000, createdRows: 5_000_000, createdSnapshots: 12, createdEntityRows: 1_000_000, ids: 100_000 };
export const QUICK: LayoutSize = { runs: 30, rowsPerRun: 200, entityRows: 2_000, createdRows: 20_000, createdSnapshots: 3, createdEntityRows: 5_000, ids: 1_000 };

export const START = Date.parse('2025-01-01T00:00:00Z');
export const YEAR_MS = 365 * 86_400_000;

/** The entity and the features of every view here (push-offline's too). */
export const DRIVER = { name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' as const };
export const DRIVER_FEATURES = [
  { name: 'conv_rate', type: 'float64' as const },
  { name: 'trips', type: 'int64' as const },
];

/** A batch of the views' shape: driver ids, event (and created) times, conv_rate, trips. */
export function driverBatch(keys: Float64Array, eventTs: Float64Array, rate: Float64Array, trips: Float64Array, createdTs: Float64Array | null = null): OutputBatch {
  return {
    length: keys.length,
    keys: [numericColumn(keys)],
    eventTs,
    createdTs,
    columns: [
      { name: 'conv_rate', type: 'float64', column: numericColumn(rate) },
      { name: 'trips', type: 'int64', column: numericColumn(trips) },
    ],
  };
}

/**
 * Three views of one entity: `incremental` (committed by many small runs, then compacted), `one_run`
 * (the same rows committed by one run) and `with_created` (a created timestamp; committed by monthly
 * runs, each deduplicated on write).
 */
export function layoutBundle(): BundleInput {
  const features = DRIVER_FEATURES;
  return {
    entities: [DRIVER],
    sources: [
      { name: 'unused', type: 'parquet', path: 'unused/*.parquet', timestampField: 'event_timestamp' },
      { name: 'unused_created', type: 'parquet', path: 'unused/*.parquet', timestampField: 'event_timestamp', createdTimestampField: 'created' },
    ],
    featureViews: [
      { name: 'incremental', entities: ['driver'], source: 'unused', features },
      { name: 'one_run', entities: ['driver'], source: 'unused', features },
      { name: 'with_created', entities: ['driver'], source: 'unused_created', features },
    ],
  };
}

/** `rows` feature rows with event times in [from, from + span), in time order (as an incremental source delivers them). */
function batch(rows: number, from: number, span: number, ids: number, rand: () => number, created: boolean): OutputBatch {
  const keys = new Float64Array(rows);
  const ts = new Float64Array(rows);
  const createdTs = created ? new Float64Array(rows) : null;
  const rate = new Float64Array(rows);
  const trips = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    keys[i] = 1 + Math.floor(rand() * ids);
    ts[i] = from + Math.floor((i / rows) * span);
    if (createdTs) createdTs[i] = rand() < 0.1 ? Number.NaN : ts[i] + Math.floor(rand() * 5000);
    rate[i] = rand() < 0.05 ? Number.NaN : Math.round(rand() * 1e6) / 1e4;
    trips[i] = Math.floor(rand() * 500);
  }
  return driverBatch(keys, ts, rate, trips, createdTs);
}

/** Commits `b` as one snapshot of `view`, the way a pipeline run commits (its own run record, the writer's files). */
export async function commit(services: Services, view: string, b: OutputBatch, hasCreated: boolean, now: number): Promise<void> {
  let min = Infinity;
  let max = -Infinity;
  for (const t of b.eventTs) {
    min = Math.min(min, t);
    max = Math.max(max, t);
  }
  const run = await services.runs.enqueue({ featureView: view, version: 1, trigger: 'manual', start: min - 1, end: max, maxAttempts: 1 }, now);
  await services.runs.claim('bench', now, run.id);
  const writer = new SnapshotWriter(services.pipelineDuckdb, services.files, { folder: `offline/${view}/v1/run=${run.id}`, keys: [{ name: 'driver_id', type: 'int64' }], hasCreated });
  await writer.add(b);
  const written = await writer.finish();
  await writer.close();
  const id = await services.runs.commitSnapshot(
    {
      runId: run.id,
      featureView: view,
      version: 1,
      rows: written.rows,
      windowStart: min - 1,
      windowEnd: max,
      minEventTs: min,
      maxEventTs: max,
      files: written.files,
      stats: {},
      watermark: max,
      fittedState: null,
      carry: {},
      counts: { rowsIn: b.length, rowsOut: written.rows, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
      steps: [],
    },
    now,
  );
  // Offline-only rows here: nothing waits for the online store.
  await services.runs.markOnlineSynced([id]);
  await services.runs.succeed(run.id, now, []);
}

export async function openLayoutServices(dataDir: string) {
  const config = loadConfig({ dataDir, definitions: path.join(dataDir, 'defs'), logLevel: 'silent', compactionIntervalMs: 0 }, {});
  return openServices(config, createLogger('silent'), fixedClock(START + 2 * YEAR_MS));
}

/**
 * Writes the scenario's data: `runs` incremental snapshots of `rowsPerRun` rows into `incremental`,
 * the same rows as one snapshot of `one_run`, `createdRows` rows with created times in
 * `createdSnapshots` snapshots of `with_created`, and two entity files (`entities.parquet`,
 * `created-entities.parquet`): random ids and instants over the rows' span.
 */
export async function generateLayoutData(dataDir: string, size: LayoutSize, seed = 12): Promise<void> {
  const services = await openLayoutServices(dataDir);
  const now = START + 2 * YEAR_MS;
  try {
    await services.applyService.apply(parseBundle(layoutBundle()), { dryRun: false, actor: 'bench' });
    const rand = seeded(seed);
    const span = YEAR_MS / size.runs;
    const all: OutputBatch[] = [];
    for (let r = 0; r < size.runs; r++) {
      const b = batch(size.rowsPerRun, START + r * span, span, size.ids, rand, false);
      all.push(b);
      await commit(services, 'incremental', b, false, now);
    }
    await commit(services, 'one_run', concat(all), false, now);
    const createdSpan = YEAR_MS / size.createdSnapshots;
    for (let m = 0; m < size.createdSnapshots; m++) {
      await commit(services, 'with_created', batch(Math.round(size.createdRows / size.createdSnapshots), START + m * createdSpan, createdSpan, size.ids, rand, true), true, now);
    }
  } finally {
    await services.close();
  }
  writeEntities(path.join(dataDir, 'entities.parquet'), size.entityRows, size.ids, seed);
  writeEntities(path.join(dataDir, 'created-entities.parquet'), size.createdEntityRows, size.ids, seed + 1);
}

function concat(batches: OutputBatch[]): OutputBatch {
  const join = (pick: (b: OutputBatch) => Float64Array) => {
    const out = new Float64Array(batches.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of batches) {
      out.set(pick(b), at);
      at += b.length;
    }
    return out;
  };
  const values = (k: number) => (b: OutputBatch) => (b.columns[k].column as { values: Float64Array }).values;
  return driverBatch(
    join((b) => (b.keys[0] as { values: Float64Array }).values),
    join((b) => b.eventTs),
    join(values(0)),
    join(values(1)),
  );
}

export function writeEntities(file: string, rows: number, ids: number, seed: number): void {
  const rand = seeded(seed * 7919);
  const id = new BigInt64Array(rows);
  const ts: number[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    id[i] = BigInt(1 + Math.floor(rand() * ids));
    ts[i] = START + Math.floor(rand() * YEAR_MS);
  }
  fs.writeFileSync(file, toParquet(new arrow.Table({ driver_id: arrow.makeVector(id), event_timestamp: arrow.vectorFromArray(ts, new arrow.TimestampMillisecond('UTC')) })));
}
