import type { FeatureInput } from '../domain/feature-view.js';
import type { FeatureType } from '../domain/value-type.js';
import { notFound } from '../errors.js';
import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import type { Catalog, FeatureViewRecord } from '../registry/catalog.js';
import type { OnlineTable } from '../online/online-store.js';
import { outputSchema } from '../registry/output-schema.js';
import { joinKeysOf } from '../registry/view-definition.js';
import type { ColumnRequest, TimeRange } from '../sources/source.js';
import { carriesValues, inputOf } from './output-batch.js';
import type { BatchLayout } from './row-batch.js';
import type { RunRecord } from '../domain/run.js';

/** What a run reads and writes, resolved from the catalog before any row moves. */
export interface RunPlan {
  view: FeatureViewRecord;
  version: FeatureViewVersion;
  range: TimeRange;
  /** Incremental runs and backfills that start at or before the watermark move it to `range.end`. */
  advancesWatermark: boolean;
  columns: ColumnRequest[];
  layout: BatchLayout;
  features: FeatureInput[];
  needsFit: boolean;
  hasFfill: boolean;
  offlineDir: string;
}

export function planRun(run: RunRecord, catalog: Catalog, watermark: number | null, now: number): RunPlan {
  const view = catalog.featureViews.get(run.featureView);
  if (!view) throw notFound('feature view', run.featureView);
  const version = view.versions.find((v) => v.version === run.version);
  if (!version) throw notFound(`version of feature view '${run.featureView}'`, run.version);
  const def = version.definition;

  const explicit = run.end !== null;
  // A window given its end alone starts at the watermark, as the API documents (not at the beginning).
  const range: TimeRange = explicit ? { start: run.start ?? watermark, end: run.end! } : { start: watermark, end: now };
  const advancesWatermark = !explicit || range.start === null || (watermark !== null && range.start <= watermark) || (watermark === null && run.start === null);

  const keys = joinKeysOf(def);
  const columns: ColumnRequest[] = keys.map((k) => ({ name: k.name, type: k.type, required: true }));
  // A push source's view reads its batch source's columns.
  const read = def.batchSource ?? def.source;
  columns.push({ name: read.timestampField, type: 'timestamp', required: true });
  const created = read.createdTimestampField ?? null;
  if (created) columns.push({ name: created, type: 'timestamp', required: false });
  const inputTypes = new Map<string, FeatureType>();
  for (const f of def.features) if (!inputTypes.has(inputOf(f))) inputTypes.set(inputOf(f), f.type);
  for (const [name, type] of inputTypes) {
    if (!columns.some((c) => c.name === name)) columns.push({ name, type, required: false });
  }
  return {
    view,
    version,
    range,
    advancesWatermark,
    columns,
    layout: { keyColumns: keys.map((k) => k.name), timestampColumn: read.timestampField, createdColumn: created, inputColumns: [...inputTypes.keys()] },
    features: def.features,
    needsFit: version.fittedState === null,
    hasFfill: def.features.some(carriesValues),
    offlineDir: `offline/${view.name}/v${version.version}`,
  };
}

/** The online table of a fitted version, or null while its output columns are unknown. */
export function onlineTableOf(version: FeatureViewVersion): OnlineTable | null {
  const columns = outputSchema(version.definition, version.fittedState);
  if (!columns) return null;
  return { view: version.view, version: version.version, keys: joinKeysOf(version.definition), columns: columns.map((c) => ({ name: c.name, type: c.type })) };
}
