import type { BundleInput } from '../../../server/domain/bundle.js';
import type { OutputBatch } from '../../../server/pipelines/output-batch.js';
import { seeded } from '../../support/seeded.js';
import { DRIVER, DRIVER_FEATURES, START, YEAR_MS, driverBatch } from './offline-layout-data.js';

/** Sizes of the push-offline scenario: single-row pushes, the driver ids they spread over, entity rows read. */
export interface PushOfflineSize {
  pushes: number;
  ids: number;
  entityRows: number;
}

export const FULL: PushOfflineSize = { pushes: 10_000, ids: 2_000, entityRows: 100_000 };
export const QUICK: PushOfflineSize = { pushes: 300, ids: 100, entityRows: 2_000 };

/**
 * Two views of the same features: `pushed` takes the pushes; `one_run` gets the same rows committed as
 * one snapshot. Each has a push source of its own, so a push reaches only `pushed`.
 */
export function pushOfflineBundle(): BundleInput {
  const features = DRIVER_FEATURES;
  return {
    entities: [DRIVER],
    sources: [
      { name: 'driver_push', type: 'push' },
      { name: 'other_push', type: 'push' },
    ],
    featureViews: [
      { name: 'pushed', entities: ['driver'], source: 'driver_push', features },
      { name: 'one_run', entities: ['driver'], source: 'other_push', features },
    ],
  };
}

/** The rows pushed, one per push: distinct event times over a year (no ties), random ids, values JSON carries exactly. */
export function pushedRows(size: PushOfflineSize, seed = 13): { id: number; ts: number; rate: number; trips: number }[] {
  const rand = seeded(seed);
  return Array.from({ length: size.pushes }, (_, k) => ({
    id: 1 + Math.floor(rand() * size.ids),
    ts: START + Math.floor((k / size.pushes) * YEAR_MS),
    rate: Math.round(rand() * 1e6) / 1e4,
    trips: Math.floor(rand() * 500),
  }));
}

/** The same rows as one batch, as one materialization run would write them. */
export function asBatch(rows: ReturnType<typeof pushedRows>): OutputBatch {
  const column = (pick: (r: (typeof rows)[number]) => number) => Float64Array.from(rows, pick);
  return driverBatch(
    column((r) => r.id),
    column((r) => r.ts),
    column((r) => r.rate),
    column((r) => r.trips),
  );
}
