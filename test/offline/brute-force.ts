/**
 * A deliberately naive point-in-time join, written from docs/semantics.md ("Point-in-time join") alone, that the engine is
 * checked against: for each entity row, scan every stored row.
 */
export interface StoredRow {
  key: number;
  ts: number;
  created: number | null;
  value: number;
  /** Commit order of the snapshot holding the row. */
  snapshot: number;
  /** Read order within its snapshot's run (the row's position in the source). */
  seq: number;
}

export interface ViewRules {
  ttlMs: number;
  hasCreated: boolean;
}

/**
 * Greater = fresher: event time, then created time (null loses; ignored without a created column),
 * then the later snapshot, then the row read later within one run.
 */
function fresher(a: StoredRow, b: StoredRow, rules: ViewRules): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  if (rules.hasCreated) {
    const ca = a.created ?? -Infinity;
    const cb = b.created ?? -Infinity;
    if (ca !== cb) return ca > cb;
  }
  if (a.snapshot !== b.snapshot) return a.snapshot > b.snapshot;
  return a.seq > b.seq;
}

export function pointInTime(rows: StoredRow[], key: number, at: number, rules: ViewRules): number | null {
  let best: StoredRow | null = null;
  for (const r of rows) {
    if (r.key !== key || r.ts > at) continue;
    if (rules.ttlMs > 0 && r.ts < at - rules.ttlMs) continue;
    if (best === null || fresher(r, best, rules)) best = r;
  }
  return best === null ? null : best.value;
}

/** Rows with start < ts <= end, one per key and event time (the freshest), by ts then key. */
export function inRange(rows: StoredRow[], start: number, end: number, rules: ViewRules): StoredRow[] {
  const kept = new Map<string, StoredRow>();
  for (const r of rows) {
    if (r.ts <= start || r.ts > end) continue;
    const id = `${r.key}|${r.ts}`;
    const seen = kept.get(id);
    if (!seen || fresher(r, seen, rules)) kept.set(id, r);
  }
  return [...kept.values()].sort((a, b) => a.ts - b.ts || a.key - b.key);
}
