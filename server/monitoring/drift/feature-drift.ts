import { validationError } from '../../errors.js';
import type { CategoricalSummary } from './categorical-query.js';
import { chiSquareTest } from './chi-square.js';
import { type DriftMethod, defaultMethod, defaultThreshold, isDrift, P_VALUE_METHODS } from './drift-method.js';
import { jensenShannon } from './jensen-shannon.js';
import { ksPValue } from './kolmogorov-smirnov.js';
import { decileBins, type NumericSummary } from './numeric-query.js';
import { psi } from './psi.js';
import { normedWasserstein } from './wasserstein.js';
import { zTest } from './z-test.js';

/** One feature's verdict. */
export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  method: DriftMethod;
  /** The score (distances) or the test statistic (tests); null when a side has no values. */
  statistic: number | null;
  /** Tests only: the p-value the threshold applies to. */
  pValue?: number | null;
  threshold: number;
  drifted: boolean;
  referenceRows: number;
  detectionRows: number;
  referenceNulls: number;
  detectionNulls: number;
  distinctValues: number;
}

export type Summary = { kind: 'numeric'; summary: NumericSummary } | { kind: 'categorical'; summary: CategoricalSummary };

/** Aligned per-category counts without nulls: what chi-square and the z-test compare. */
function categoryCounts(s: Summary): { reference: number[]; detection: number[] } | null {
  if (s.kind === 'categorical') return { reference: s.summary.categories.map((c) => c.reference), detection: s.summary.categories.map((c) => c.detection) };
  const values = s.summary.values;
  return values === null ? null : { reference: values.map((v) => v.reference), detection: values.map((v) => v.detection) };
}

/** Bins for PSI and JS: deciles + nulls for numbers (categories when there are few values), categories + nulls otherwise. */
function bins(s: Summary): { reference: number[]; detection: number[] } {
  if (s.kind === 'numeric') return decileBins(s.summary);
  const counts = categoryCounts(s)!;
  return { reference: [...counts.reference, s.summary.referenceNulls], detection: [...counts.detection, s.summary.detectionNulls] };
}

function rows(s: Summary) {
  if (s.kind === 'numeric') {
    const n = s.summary;
    return { referenceRows: n.referenceRows, detectionRows: n.detectionRows, referenceNulls: n.referenceNulls, detectionNulls: n.detectionNulls, distinctValues: n.distinctValues };
  }
  const c = s.summary;
  const referenceRows = c.categories.reduce((a, x) => a + x.reference, 0);
  const detectionRows = c.categories.reduce((a, x) => a + x.detection, 0);
  return { referenceRows, detectionRows, referenceNulls: c.referenceNulls, detectionNulls: c.detectionNulls, distinctValues: c.categories.length + c.merged - (c.merged > 0 ? 1 : 0) };
}

/**
 * Scores one feature with the method asked for, or the one Evidently's preset picks, against the
 * threshold asked for or the method's default. `path` names the field that asked for a method the
 * feature cannot take (chi-square over thousands of distinct numbers).
 */
export function featureDrift(feature: string, s: Summary, choice: { method?: DriftMethod; threshold?: number; path: string }): FeatureDrift {
  const counts = rows(s);
  const method = choice.method ?? defaultMethod(s.kind, counts.referenceRows, counts.distinctValues);
  const threshold = choice.threshold ?? defaultThreshold(method);
  const base = { feature, kind: s.kind, method, threshold, ...counts };
  if (counts.referenceRows === 0 || counts.detectionRows === 0) {
    // Nothing to compare: no verdict of drift (the null counts say what happened).
    return { ...base, statistic: null, ...(P_VALUE_METHODS.has(method) ? { pValue: null } : {}), drifted: false };
  }
  let statistic: number;
  let pValue: number | undefined;
  switch (method) {
    case 'ks':
      if (s.kind !== 'numeric') throw validationError(`method ks needs a numeric feature; '${feature}' is categorical`, [{ path: choice.path, message: 'ks needs a numeric feature' }]);
      statistic = s.summary.ks;
      pValue = ksPValue(statistic, counts.referenceRows, counts.detectionRows);
      break;
    case 'wasserstein':
      if (s.kind !== 'numeric')
        throw validationError(`method wasserstein needs a numeric feature; '${feature}' is categorical`, [{ path: choice.path, message: 'wasserstein needs a numeric feature' }]);
      statistic = normedWasserstein(s.summary.wasserstein, s.summary.referenceStd);
      break;
    case 'psi': {
      const b = bins(s);
      statistic = psi(b.reference, b.detection);
      break;
    }
    case 'jensen_shannon': {
      const b = s.kind === 'numeric' && s.summary.distinctValues <= 5 ? withNulls(s, categoryCounts(s)!) : bins(s);
      statistic = jensenShannon(b.reference, b.detection);
      break;
    }
    case 'chi_square':
    case 'z_test': {
      const c = categoryCounts(s);
      if (c === null)
        throw validationError(`method ${method} needs few distinct values; '${feature}' has ${counts.distinctValues}`, [{ path: choice.path, message: `${method} needs at most 100 distinct values` }]);
      const test = method === 'chi_square' ? chiSquareTest(c.reference, c.detection) : zTest(c.reference, c.detection);
      statistic = test.statistic;
      pValue = test.pValue;
      break;
    }
  }
  const score = pValue ?? statistic;
  return { ...base, statistic, ...(pValue !== undefined ? { pValue } : {}), drifted: isDrift(method, score, threshold) };
}

function withNulls(s: Summary, c: { reference: number[]; detection: number[] }) {
  const r = rows(s);
  return { reference: [...c.reference, r.referenceNulls], detection: [...c.detection, r.detectionNulls] };
}
