import type { Entity } from './entity.js';
import type { FeatureInput } from './feature-view.js';
import type { Source } from './source.js';
import type { FeatureType } from './value-type.js';

/** What a version of a view means; frozen when the version is created. */
export interface FeatureViewDefinition {
  entities: Entity[];
  /** The source as it was when the version was made, without its metadata (description, tags). */
  source: Source;
  /** A push source's batch source as it was when the version was made (what its runs read). */
  batchSource?: Source;
  features: FeatureInput[];
  /** Fit window in seconds; absent = the first successful run's rows. */
  fitWindow?: number;
}

/** Fitted transform state of a version: one state per step, per feature. JSON. */
export interface FittedState {
  /** The rows the state was fitted on. */
  rows: number;
  /** Event-time range of the fit rows (epoch ms; null when there were none). */
  from: number | null;
  to: number | null;
  features: Record<string, unknown[]>;
}

export interface OutputColumnSchema {
  name: string;
  type: FeatureType;
  /** The feature the column comes from (one-hot features have several columns). */
  feature: string;
}

/** One immutable version of a feature view: its definition never changes, its fitted state is set once. */
export interface FeatureViewVersion {
  view: string;
  version: number;
  definition: FeatureViewDefinition;
  fingerprint: string;
  reason: 'apply' | 'refit';
  fittedState: FittedState | null;
  fittedAt: number | null;
  createdAt: number;
}
