/**
 * Chronon's online/offline consistency metrics for one feature (CompareMetrics.scala): of the pairs
 * (online value served, offline value a point-in-time join gives for the same key and time), how
 * many are both null, null online only, null offline only, both present and different; and for
 * numbers the mean SMAPE 2|a-b|/(|a|+|b|) over the pairs where both are present (0 when both are 0).
 */
export interface SkewCounts {
  total: number;
  bothNull: number;
  onlyOnlineNull: number;
  onlyOfflineNull: number;
  mismatch: number;
  smapeSum: number;
  smapePairs: number;
}

export interface SkewSummary {
  total: number;
  bothNull: number;
  onlyOnlineNull: number;
  onlyOfflineNull: number;
  mismatch: number;
  /** Share of rows where the two differ in any way (a null on one side only, or different values). */
  mismatchRate: number;
  /** Mean SMAPE over pairs where both are numbers; null for other types or when no such pair exists. */
  smape: number | null;
}

export function emptyCounts(): SkewCounts {
  return { total: 0, bothNull: 0, onlyOnlineNull: 0, onlyOfflineNull: 0, mismatch: 0, smapeSum: 0, smapePairs: 0 };
}

/** Adds one (online, offline) pair. Values are numbers, strings, booleans or null (int64 as numbers). */
export function addPair(counts: SkewCounts, online: unknown, offline: unknown): void {
  counts.total++;
  const a = online ?? null;
  const b = offline ?? null;
  if (a === null && b === null) counts.bothNull++;
  else if (a === null) counts.onlyOnlineNull++;
  else if (b === null) counts.onlyOfflineNull++;
  else {
    if (a !== b) counts.mismatch++;
    if (typeof a === 'number' && typeof b === 'number') {
      counts.smapePairs++;
      counts.smapeSum += smape(a, b);
    }
  }
}

/** 2|a-b|/(|a|+|b|), in [0, 2]; 0 when both are 0. */
export function smape(a: number, b: number): number {
  const scale = Math.abs(a) + Math.abs(b);
  return scale === 0 ? 0 : (2 * Math.abs(a - b)) / scale;
}

export function summarize(c: SkewCounts): SkewSummary {
  const differing = c.onlyOnlineNull + c.onlyOfflineNull + c.mismatch;
  return {
    total: c.total,
    bothNull: c.bothNull,
    onlyOnlineNull: c.onlyOnlineNull,
    onlyOfflineNull: c.onlyOfflineNull,
    mismatch: c.mismatch,
    mismatchRate: c.total === 0 ? 0 : differing / c.total,
    smape: c.smapePairs === 0 ? null : c.smapeSum / c.smapePairs,
  };
}
