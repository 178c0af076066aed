import fs from 'node:fs';
import path from 'node:path';
import * as arrow from '../../../server/vendor/arrow.cjs';
import { fixedClock } from '../../../server/clock.js';
import { numericColumn, stringColumn } from '../../../server/columns/column.js';
import { loadConfig } from '../../../server/config.js';
import { parseBundle } from '../../../server/definitions/parse-bundle.js';
import type { BundleInput } from '../../../server/domain/bundle.js';
import { createLogger } from '../../../server/logger.js';
import { toParquet } from '../../../server/offline/parquet-file.js';
import { SnapshotWriter } from '../../../server/offline/snapshot-writer.js';
import type { OutputBatch } from '../../../server/pipelines/output-batch.js';
import { openServices } from '../../../server/services.js';
import { seeded } from '../../support/seeded.js';

/** Sizes of the training scenario. */
export interface TrainingSize {
  views: number;
  rowsPerView: number;
  ids: number;
  entityRows: number;
  /** Snapshots per view: the year is committed as this many monthly-style runs. */
  snapshots: number;
}

export const FULL: TrainingSize = { views: 3, rowsPerView: 5_000_000, ids: 100_000, entityRows: 1_000_000, snapshots: 12 };
export const QUICK: TrainingSize = { views: 3, rowsPerView: 20_000, ids: 1_000, entityRows: 5_000, snapshots: 3 };

export const YEAR_START = Date.parse('2025-01-01T00:00:00Z');
export const YEAR_MS = 365 * 86_400_000;
const CATEGORIES = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * Three views of one entity with a mix of feature types; the first has a 30-day ttl (so the ttl
 * check is measured too). No created timestamp: the common case, the packed sort key.
 */
export function trainingBundle(views: number): BundleInput {
  const features = [
    [
      { name: 'conv_rate', type: 'float64' as const },
      { name: 'acc_rate', type: 'float64' as const },
      { name: 'trips', type: 'int64' as const },
    ],
    [
      { name: 'avg_speed', type: 'float64' as const },
      { name: 'rating', type: 'float64' as const },
    ],
    [
      { name: 'category', type: 'string' as const },
      { name: 'score', type: 'float64' as const },
    ],
  ];
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' }],
    sources: [{ name: 'unused', type: 'parquet', path: 'unused/*.parquet', timestampField: 'event_timestamp' }],
    featureViews: Array.from({ length: views }, (_, v) => ({
      name: `view_${v + 1}`,
      entities: ['driver'],
      source: 'unused',
      ...(v === 0 ? { ttl: '30d' } : {}),
      features: features[v % features.length],
    })),
  };
}

function batchFor(view: number, rows: number, from: number, span: number, ids: number, rand: () => number): OutputBatch {
  const keys = new Float64Array(rows);
  const ts = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    keys[i] = 1 + Math.floor(rand() * ids);
    ts[i] = from + Math.floor(rand() * span);
  }
  const floats = () => {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = rand() < 0.05 ? NaN : Math.round(rand() * 1e6) / 1e4;
    return numericColumn(out);
  };
  const ints = () => numericColumn(Float64Array.from({ length: rows }, () => Math.floor(rand() * 500)));
  const strings = () =>
    stringColumn(
      Int32Array.from({ length: rows }, () => Math.floor(rand() * CATEGORIES.length)),
      CATEGORIES,
    );
  const kind = view % 3;
  const columns =
    kind === 0
      ? [
          { name: 'conv_rate', type: 'float64' as const, column: floats() },
          { name: 'acc_rate', type: 'float64' as const, column: floats() },
          { name: 'trips', type: 'int64' as const, column: ints() },
        ]
      : kind === 1
        ? [
            { name: 'avg_speed', type: 'float64' as const, column: floats() },
            { name: 'rating', type: 'float64' as const, column: floats() },
          ]
        : [
            { name: 'category', type: 'string' as const, column: strings() },
            { name: 'score', type: 'float64' as const, column: floats() },
          ];
  return { length: rows, keys: [numericColumn(keys)], eventTs: ts, createdTs: null, columns };
}

/**
 * Writes the scenario's data under `dataDir` through Tessera's own offline layout: each view's year
 * goes through `SnapshotWriter` (Tessera's offline layout and Parquet settings) as `snapshots`
 * runs, each committed through the registry's run store exactly as a pipeline run commits. This skips
 * the source read and transforms of a real run (15M rows through CSV parsing would measure the
 * pipeline, not retrieval), not the files or the registry records retrieval reads.
 * Also writes `entities.parquet`: `entityRows` rows, random ids and instants over the year, a label.
 */
export async function generateTrainingData(dataDir: string, size: TrainingSize, seed = 7): Promise<{ entities: string; files: number }> {
  const config = loadConfig({ dataDir, definitions: path.join(dataDir, 'defs'), logLevel: 'silent' }, {});
  const clock = fixedClock(YEAR_START + YEAR_MS + 86_400_000);
  const services = await openServices(config, createLogger('silent'), clock);
  let files = 0;
  try {
    await services.applyService.apply(parseBundle(trainingBundle(size.views)), { dryRun: false, actor: 'bench' });
    const rand = seeded(seed);
    const span = Math.ceil(YEAR_MS / size.snapshots);
    for (let v = 0; v < size.views; v++) {
      const view = `view_${v + 1}`;
      for (let s = 0; s < size.snapshots; s++) {
        const from = YEAR_START + s * span;
        const rows = Math.round(size.rowsPerView / size.snapshots);
        const run = await services.runs.enqueue({ featureView: view, version: 1, trigger: 'manual', start: from - 1, end: from + span - 1, maxAttempts: 1 }, clock.now());
        await services.runs.claim('bench', clock.now(), run.id);
        const writer = new SnapshotWriter(services.pipelineDuckdb, services.files, {
          folder: `offline/${view}/v1/run=${run.id}`,
          keys: [{ name: 'driver_id', type: 'int64' }],
          hasCreated: false,
        });
        const batch = batchFor(v, rows, from, span, size.ids, rand);
        await writer.add(batch);
        const { files: written } = await writer.finish();
        await writer.close();
        files += written.length;
        let min = Infinity;
        let max = -Infinity;
        for (const t of batch.eventTs) {
          if (t < min) min = t;
          if (t > max) max = t;
        }
        await services.runs.commitSnapshot(
          {
            runId: run.id,
            featureView: view,
            version: 1,
            rows,
            windowStart: from - 1,
            windowEnd: from + span - 1,
            minEventTs: min,
            maxEventTs: max,
            files: written,
            stats: {},
            watermark: from + span - 1,
            fittedState: null,
            carry: {},
            counts: { rowsIn: rows, rowsOut: rows, rowsRejected: 0, rejectsByReason: {}, rejectsFile: null },
            steps: [],
          },
          clock.now(),
        );
        await services.runs.succeed(run.id, clock.now(), []);
      }
    }
  } finally {
    await services.close();
  }
  const ids = new BigInt64Array(size.entityRows);
  const ts = new Float64Array(size.entityRows);
  const labels = new Float64Array(size.entityRows);
  for (let i = 0; i < size.entityRows; i++) {
    ids[i] = BigInt(1 + Math.floor(rand2(seed, i) * size.ids));
    ts[i] = YEAR_START + Math.floor(rand2(seed + 1, i) * YEAR_MS);
    labels[i] = rand2(seed + 2, i) < 0.3 ? 1 : 0;
  }
  const table = new arrow.Table({
    driver_id: arrow.makeVector(ids),
    event_timestamp: arrow.vectorFromArray(Array.from(ts), new arrow.TimestampMillisecond('UTC')),
    label: arrow.makeVector(labels),
  });
  const entities = path.join(dataDir, 'entities.parquet');
  fs.writeFileSync(entities, toParquet(table));
  return { entities, files };
}

/** A stateless hash to [0, 1): entity rows do not depend on how many feature rows came first. */
function rand2(seed: number, i: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
