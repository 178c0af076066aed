import type { FeatureDrift } from './feature-drift.js';

/** A drift report: each feature's verdict and the dataset's (Evidently's share of drifted features). */
export interface DriftReport {
  featureView: string;
  version: number;
  reference: { description: string };
  detection: { description: string };
  features: FeatureDrift[];
  driftedFeatures: number;
  /** Drifted features / features compared. */
  share: number;
  /** The share at or above which the dataset drifts. */
  driftShare: number;
  datasetDrift: boolean;
  computedAt: string;
}

export function datasetVerdict(features: FeatureDrift[], driftShare: number): Pick<DriftReport, 'driftedFeatures' | 'share' | 'driftShare' | 'datasetDrift'> {
  const driftedFeatures = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : driftedFeatures / features.length;
  return { driftedFeatures, share, driftShare, datasetDrift: features.length > 0 && share >= driftShare };
}
