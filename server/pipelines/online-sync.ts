import { columnFromArrow } from '../columns/arrow-convert.js';
import { fromParquet } from '../offline/parquet-file.js';
import { LatestRows } from './latest-rows.js';
import type { MaterializeDeps } from './materialize.js';
import { onlineTableOf } from './run-plan.js';
import type { RunRecord } from '../domain/run.js';
import { conflict, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OnlineStore } from '../online/online-store.js';
import { deletedDuring, deletedTableKept } from './deleted-mid-run.js';

type SyncDeps = Pick<MaterializeDeps, 'catalog' | 'runs' | 'files' | 'online'>;

/**
 * Writes a committed snapshot's latest rows to the online store, after first re-writing any earlier
 * snapshot of the version whose online write failed (the "next run repairs it" rule). The store never
 * lets an older row replace a newer one, so the order of these writes does not matter.
 *
 * The view may be deleted meanwhile: its deletion fails this run (reason `deleted`) in the registry,
 * then drops the view's online tables. A table has the view's name and version, the same for a view
 * created again under the name, so this run must leave no row in it: it writes nothing once the run is
 * failed as deleted, and when that happened while it wrote (its write may have created the table again
 * after the drop), it drops the table again: the deletion's drop wins. Either way it throws, and the run
 * ends as the deletion left it. (A view created again and run to its online write in the moment between
 * this write and its check loses those rows with the drop: its table is then empty, never stale.)
 */
export async function syncOnline(run: RunRecord, snapshotId: number, latest: LatestRows, deps: SyncDeps, log: Logger): Promise<void> {
  const online = deps.online;
  if (!online) return;
  if (await deletedDuring(run, deps.runs)) throw viewDeleted(run);
  let failure: { error: unknown } | null = null;
  try {
    await write(run, snapshotId, latest, deps, online);
  } catch (error) {
    failure = { error };
  }
  // A registry that does not answer now: the write's own outcome stands.
  if (await deletedDuring(run, deps.runs).catch(() => false)) {
    // The run ends as the deletion left it whatever happens here, so a failed drop is only this line.
    await online.dropTable(run.featureView, run.version).catch((e: unknown) => log.error({ err: errorMessage(e) }, deletedTableKept(run.featureView, run.version)));
    throw viewDeleted(run);
  }
  if (failure) throw failure.error;
}

async function write(run: RunRecord, snapshotId: number, latest: LatestRows, deps: SyncDeps, online: OnlineStore): Promise<void> {
  const catalog = await deps.catalog.refresh();
  const version = catalog.featureViews.get(run.featureView)?.versions.find((v) => v.version === run.version);
  const table = version ? onlineTableOf(version) : null;
  const pending = (await deps.runs.snapshots(run.featureView, run.version)).filter((s) => !s.onlineSynced && s.id !== snapshotId);
  if (!version || !table) {
    // Nothing fitted yet (every run so far was empty): there are no rows to serve.
    await deps.runs.markOnlineSynced([...pending.map((s) => s.id), snapshotId]);
    return;
  }
  const hasCreated = version.definition.source.createdTimestampField !== undefined;
  await online.createTable(table);
  for (const snapshot of pending) {
    const repaired = new LatestRows();
    for (const file of snapshot.files) {
      const data = fromParquet(await deps.files.read(file));
      for (const batch of data.batches) {
        const column = (name: string) => columnFromArrow(batch.getChild(name)!);
        const ts = (name: string) => (column(name) as { values: Float64Array }).values;
        repaired.add({
          length: batch.numRows,
          keys: table.keys.map((k) => column(k.name)),
          eventTs: ts('event_timestamp'),
          createdTs: hasCreated ? ts('created_timestamp') : null,
          columns: table.columns.map((c) => ({ ...c, column: column(c.name) })),
        });
      }
    }
    if (repaired.length) await online.write(table, repaired.rows(hasCreated));
  }
  if (latest.length) await online.write(table, latest.rows(hasCreated));
  await deps.runs.markOnlineSynced([...pending.map((s) => s.id), snapshotId]);
}

function viewDeleted(run: RunRecord) {
  return conflict(`feature view '${run.featureView}' was deleted during the run: its rows are not written online`);
}
