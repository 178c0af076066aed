import type { FeatureType, KeyType } from '../domain/value-type.js';
import type { ResolvedFeatures } from '../serving/resolve-features.js';

/** Columns every log file has besides the entity keys and features (Feast's logged-feature names). */
export const REQUEST_ID = '__request_id';
export const LOG_TIMESTAMP = '__log_timestamp';
/** The view versions that served the row, as JSON (`{"driver_hourly_stats":1}`). */
export const FEATURE_VERSIONS = '__feature_versions';

/** One logged feature: `view__column`, its value type, and where it is in a served answer. */
export interface LoggedFeature {
  name: string;
  view: string;
  version: number;
  column: string;
  type: FeatureType;
  /** Index of its view in the plan (records are read per view). */
  viewIndex: number;
}

/** What a feature service's log rows hold: fixed per resolved plan, so computed once per plan. */
export interface LogSchema {
  service: string;
  sampleRate: number;
  keys: { name: string; type: KeyType; entity?: string }[];
  features: LoggedFeature[];
  versions: string;
  /** Rows with the same signature share one file's schema. */
  signature: string;
}

/**
 * The log schema of a feature service's plan. Feature columns are named `view__column` (Feast's
 * full feature names); a service never holds two versions of one view's column (serving refuses the
 * clash), so the names are unique.
 */
export function logSchema(service: string, sampleRate: number, resolved: ResolvedFeatures): LogSchema {
  const features = resolved.order.map(({ view, column }) => {
    const v = resolved.views[view];
    const c = v.columns[column];
    return { name: `${v.view.name}__${c.column}`, view: v.view.name, version: v.version.version, column: c.column, type: c.type, viewIndex: view };
  });
  const versions = JSON.stringify(Object.fromEntries(resolved.views.map((v) => [v.view.name, v.version.version])));
  const keys = resolved.keys.map((k) => ({ ...k }));
  const signature = `${service}\u0000${versions}\u0000${keys.map((k) => `${k.name}:${k.type}`).join(',')}\u0000${features.map((f) => `${f.name}:${f.type}`).join(',')}`;
  return { service, sampleRate, keys, features, versions, signature };
}

/** A feature's three log columns. */
export const timestampColumn = (feature: string) => `${feature}__timestamp`;
export const statusColumn = (feature: string) => `${feature}__status`;
