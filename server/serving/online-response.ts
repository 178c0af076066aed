export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface FeatureVector {
  values: unknown[];
  statuses: FeatureStatus[];
  /** Shared by the features of one view in an answer. Answers are read-only (some arrays are frozen). */
  event_timestamps: string[];
}

/** Feast's get-online-features answer: column-major, one `results` entry per name. */
export interface OnlineResponse {
  metadata: { feature_names: string[]; feature_view_metadata?: { name: string; version: number }[] };
  results: FeatureVector[];
}
