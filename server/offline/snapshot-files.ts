import type { SnapshotRecord } from '../domain/snapshot.js';

const DAY_MS = 86_400_000;
const DATE_PARTITION = /(?:^|\/)date=(\d{4})-(\d{2})-(\d{2})\//;

/** The files a view contributes to one retrieval, in snapshot order, and the event-time range they span. */
export interface FileSelection {
  /** Absolute paths; a later snapshot's files come after an earlier one's (the tie-break relies on it). */
  files: string[];
  minTs: number | null;
  maxTs: number | null;
  /**
   * Two of the snapshots read have overlapping event-time ranges (a backfill re-ran a window), so
   * one row may be stored twice and the later snapshot must win. Without overlap, a key and event
   * time occur in one snapshot only.
   */
  overlapping: boolean;
  /**
   * Every snapshot read was deduplicated on write (the `run=` layout): within one, a key and event
   * time occur once, the row the tie-breaks of docs/semantics.md pick. The older `date=` layout kept duplicates.
   */
  deduplicated: boolean;
}

/**
 * Picks the files of committed snapshots that can hold a row with event time in [from, to] (null =
 * unbounded): whole snapshots by their recorded event-time range, then files by their date partition.
 * Pruning never reorders, so a later snapshot's files still come after an earlier one's.
 */
export function selectFiles(snapshots: SnapshotRecord[], locate: (relPath: string) => string, from: number | null, to: number | null): FileSelection {
  const files: string[] = [];
  const ranges: [number, number][] = [];
  let minTs: number | null = null;
  let maxTs: number | null = null;
  let deduplicated = true;
  for (const s of snapshots) {
    if (s.minEventTs === null || s.maxEventTs === null) continue;
    if ((to !== null && s.minEventTs > to) || (from !== null && s.maxEventTs < from)) continue;
    let kept = 0;
    for (const file of s.files) {
      const day = partitionDay(file);
      if (day !== null && ((to !== null && day > to) || (from !== null && day + DAY_MS <= from))) continue;
      files.push(locate(file));
      kept++;
    }
    if (kept === 0) continue;
    if (!isDeduplicated(s)) deduplicated = false;
    ranges.push([s.minEventTs, s.maxEventTs]);
    minTs = minTs === null ? s.minEventTs : Math.min(minTs, s.minEventTs);
    maxTs = maxTs === null ? s.maxEventTs : Math.max(maxTs, s.maxEventTs);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let reach = -Infinity;
  let overlapping = false;
  for (const [from, to] of ranges) {
    if (from <= reach) overlapping = true;
    reach = Math.max(reach, to);
  }
  return { files, minTs, maxTs, overlapping, deduplicated };
}

/** Snapshots in the `run=<id>/part-<k>.parquet` layout were deduplicated by the writer that made them. */
export function isDeduplicated(snapshot: SnapshotRecord): boolean {
  return snapshot.files.every((f) => RUN_FOLDER.test(f));
}

const RUN_FOLDER = /(?:^|\/)run=[^/]+\/part-\d+\.parquet$/;

/** Epoch ms of the start of a file's `date=YYYY-MM-DD` partition, or null without one. */
export function partitionDay(file: string): number | null {
  const m = DATE_PARTITION.exec(file);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? null : ms;
}
