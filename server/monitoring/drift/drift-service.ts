import type { Clock } from '../../clock.js';
import type { DatasetStore } from '../../datasets/dataset-store.js';
import { formatTimestamp } from '../../domain/time.js';
import { validationError } from '../../errors.js';
import type { DuckDbEngine } from '../../offline/duckdb-engine.js';
import { queryRows, storeError } from '../../offline/duckdb-query.js';
import type { FileStore } from '../../offline/file-store.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import type { RunStore } from '../../registry/run-store.js';
import { categoricalSummary } from './categorical-query.js';
import { driftInput } from './drift-input.js';
import { type DriftReport, datasetVerdict } from './drift-report.js';
import type { DriftRequest } from './drift-spec.js';
import { driftTarget } from './drift-target.js';
import { type FeatureDrift, featureDrift } from './feature-drift.js';
import { numericSummary } from './numeric-query.js';

export interface DriftDeps {
  catalog: CatalogCache;
  runs: RunStore;
  datasets: DatasetStore;
  files: FileStore;
  /** The process's offline DuckDB (the historical service's): drift shares its memory limit. */
  engine: DuckDbEngine;
  clock: Clock;
}

/**
 * Drift reports: a detection sample of a view compared with a reference, feature by feature, computed
 * exactly in DuckDB over the Parquet files (one grouped query per feature over both samples).
 */
export class DriftService {
  constructor(private readonly deps: DriftDeps) {}

  async report(request: DriftRequest, signal?: AbortSignal): Promise<DriftReport> {
    const target = await driftTarget(this.deps.catalog, request);
    for (const [field, map] of [
      ['methods', request.methods],
      ['thresholds', request.thresholds],
    ] as const) {
      for (const name of Object.keys(map ?? {})) {
        if (!target.features.some((f) => f.name === name)) throw validationError(`${field} names '${name}', which is not compared`, [{ path: `${field}.${name}`, message: 'not a compared feature' }]);
      }
    }
    const now = this.deps.clock.now();
    try {
      return await this.deps.engine.withConnection(async (connection) => {
        const describe = async (relation: string) => (await queryRows(connection, `DESCRIBE SELECT * FROM ${relation}`)).map((r) => r.column_name as string);
        const hasRows = async (relation: string) => (await queryRows(connection, `SELECT 1 AS one FROM ${relation} LIMIT 1`)).length > 0;
        const inputDeps = { runs: this.deps.runs, datasets: this.deps.datasets, files: this.deps.files, describe, hasRows };
        const reference = await driftInput(inputDeps, target, request.reference, now, 'reference');
        const detection = await driftInput(inputDeps, target, request.detection, now, 'detection');
        const features: FeatureDrift[] = [];
        for (const feature of target.features) {
          const sides = [
            { relation: reference.relation, column: reference.columns.get(feature.name)! },
            { relation: detection.relation, column: detection.columns.get(feature.name)! },
          ] as const;
          const summary =
            feature.kind === 'numeric'
              ? { kind: 'numeric' as const, summary: await numericSummary(connection, ...sides) }
              : { kind: 'categorical' as const, summary: await categoricalSummary(connection, ...sides) };
          const override = request.methods?.[feature.name];
          features.push(
            featureDrift(feature.name, summary, {
              method: override ?? request.method,
              threshold: request.thresholds?.[feature.name],
              path: override ? `methods.${feature.name}` : 'method',
            }),
          );
        }
        return {
          featureView: target.view,
          version: target.version,
          reference: { description: reference.description },
          detection: { description: detection.description },
          features,
          ...datasetVerdict(features, request.driftShare),
          computedAt: formatTimestamp(now),
        };
      }, signal);
    } catch (e) {
      throw storeError(e);
    }
  }
}
