import type { SnapshotRecord } from '../../domain/snapshot.js';

/** When and how far compaction merges a version's snapshots (config: `TESSERA_COMPACTION_*`). */
export interface CompactionSettings {
  /** Compact a version once it has more than this many small snapshots. */
  minSnapshots: number;
  /** A snapshot with fewer rows than this is small. */
  smallRows: number;
  /** A merged snapshot holds at most this many rows (as counted before duplicates are dropped). */
  targetRows: number;
}

/**
 * The groups of snapshots to merge, each into one: runs of small snapshots that stand next to each
 * other in the version's snapshot order, cut at `targetRows`, at least two per group. Only contiguous
 * snapshots merge, so the merged snapshot can take their place in the order and every later snapshot
 * (a backfill's) still wins over it exactly as it did over them. A snapshot of an online view whose
 * rows have not reached the online store yet stays as it is: the next run re-writes it online from
 * its own files. Nothing merges until the version has more than `minSnapshots` small snapshots.
 */
export function compactionGroups(snapshots: readonly SnapshotRecord[], online: boolean, settings: CompactionSettings): SnapshotRecord[][] {
  const small = (s: SnapshotRecord) => s.rows < settings.smallRows && (s.onlineSynced || !online);
  if (snapshots.filter(small).length <= settings.minSnapshots) return [];
  const groups: SnapshotRecord[][] = [];
  let group: SnapshotRecord[] = [];
  let rows = 0;
  const close = () => {
    if (group.length >= 2) groups.push(group);
    group = [];
    rows = 0;
  };
  for (const s of snapshots) {
    if (!small(s)) {
      close();
      continue;
    }
    if (group.length > 0 && rows + s.rows > settings.targetRows) close();
    group.push(s);
    rows += s.rows;
  }
  close();
  return groups;
}
