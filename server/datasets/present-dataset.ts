import { formatTimestamp } from '../domain/time.js';
import type { DatasetMetadata, DatasetRecord } from './dataset-metadata.js';

/** A dataset in the API: what it holds, what it was built from, times in RFC 3339. */
export function presentDataset(m: DatasetMetadata) {
  return {
    name: m.name,
    status: 'ready' as const,
    description: m.description,
    createdAt: formatTimestamp(m.createdAt),
    rows: m.data.rows,
    features: m.request.features,
    featureService: m.request.featureService,
    fullFeatureNames: m.request.fullFeatureNames,
    featureViews: m.plan.views.map((v) => ({
      featureView: v.view,
      version: v.version,
      ttl: v.ttl,
      joinKeys: v.keys,
      snapshotIds: v.snapshotIds,
      columns: m.plan.features.filter((f) => m.plan.views[f.view] === v).map((f) => ({ column: f.column, outputName: f.outputName, type: f.type, ...(f.parts ? { parts: f.parts } : {}) })),
    })),
    columns: m.columns,
    input: m.input,
    entities: m.entities,
    data: m.data,
    statistics: m.statistics,
  };
}

/** A line of the dataset list. */
export function presentSummary(r: DatasetRecord) {
  if (!r.metadata) return { name: r.name, status: r.status, createdAt: formatTimestamp(r.createdAt) };
  const m = r.metadata;
  return {
    name: r.name,
    status: r.status,
    description: m.description,
    createdAt: formatTimestamp(m.createdAt),
    rows: m.data.rows,
    columns: m.columns.map((c) => c.name),
    featureViews: m.plan.views.map((v) => `${v.view}@${v.version}`),
  };
}
