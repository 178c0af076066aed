import type { FeatureType, KeyType } from '../domain/value-type.js';
import { TesseraError } from '../errors.js';
import type { RunStore } from '../registry/run-store.js';
import type { SnapshotRecord } from '../domain/snapshot.js';
import { answerColumns } from '../serving/answer-columns.js';
import type { ResolvedFeatures } from '../serving/resolve-features.js';

/** One view version a retrieval reads, pinned to the snapshots it saw: enough to read it again identically. */
export interface PinnedView {
  view: string;
  version: number;
  keys: { name: string; type: KeyType }[];
  /** Seconds; 0 = no limit. Pinned too: ttl is metadata a later apply may change in place. */
  ttl: number;
  /** The source has a created timestamp: ties on event time go to the greatest one. */
  hasCreated: boolean;
  /** Committed snapshots read, oldest first. */
  snapshotIds: number[];
}

/** A feature column of the answer. */
export interface PlannedFeature {
  /** Index into `views`. */
  view: number;
  /** Column in the offline files (for a list, the feature's name). */
  column: string;
  /** Column in the answer. */
  outputName: string;
  /** The type of the column, or of a list's elements. */
  type: FeatureType;
  /**
   * A one-hot feature answered as one list column (`answer: list`): its category columns in the
   * offline files, in category order. Absent for a plain column (and in plans saved before lists).
   */
  parts?: string[];
}

export interface RetrievalPlan {
  views: PinnedView[];
  /** The join keys the entity rows must carry: the union over the views, first-seen order and type. */
  keys: { name: string; type: KeyType }[];
  /** Answer feature columns, in request order. */
  features: PlannedFeature[];
}

/** A pinned view with the snapshot records behind it (files, event-time ranges). */
export interface ViewSnapshots {
  view: PinnedView;
  snapshots: SnapshotRecord[];
}

/** Pins the resolved features to the snapshots committed right now. */
export async function planRetrieval(resolved: ResolvedFeatures, runs: RunStore): Promise<{ plan: RetrievalPlan; snapshots: ViewSnapshots[] }> {
  const snapshots: ViewSnapshots[] = [];
  for (const v of resolved.views) {
    const committed = (await runs.snapshots(v.view.name, v.version.version)).filter((s) => s.rows > 0 && s.files.length > 0);
    const view: PinnedView = {
      view: v.view.name,
      version: v.version.version,
      keys: v.keys,
      ttl: v.ttl,
      hasCreated: v.version.definition.source.createdTimestampField !== undefined,
      snapshotIds: committed.map((s) => s.id),
    };
    snapshots.push({ view, snapshots: committed });
  }
  const features = answerColumns(resolved).map((a): PlannedFeature => {
    const columns = resolved.views[a.view].columns;
    const parts = a.parts.map((o) => columns[resolved.order[o].column]);
    if (a.list) return { view: a.view, column: a.name.split('__').pop()!, outputName: a.name, type: 'int64', parts: parts.map((c) => c.column) };
    return { view: a.view, column: parts[0].column, outputName: parts[0].outputName, type: parts[0].type };
  });
  return { plan: { views: snapshots.map((s) => s.view), keys: resolved.keys, features }, snapshots };
}

/** The snapshot records of a plan pinned earlier (a saved dataset); a snapshot gone since is a 409. */
export async function pinnedSnapshots(plan: RetrievalPlan, runs: RunStore): Promise<ViewSnapshots[]> {
  const out: ViewSnapshots[] = [];
  for (const view of plan.views) {
    // Retired snapshots too: a dataset pinned before a compaction reads the snapshots it pinned.
    const byId = new Map((await runs.snapshots(view.view, view.version, { retired: true })).map((s) => [s.id, s]));
    const missing = view.snapshotIds.filter((id) => !byId.has(id));
    if (missing.length) {
      throw new TesseraError('conflict', `snapshots ${missing.join(', ')} of '${view.view}' version ${view.version} no longer exist, so the dataset cannot be rebuilt`);
    }
    out.push({ view, snapshots: view.snapshotIds.map((id) => byId.get(id)!) });
  }
  return out;
}
