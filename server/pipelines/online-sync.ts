import { columnFromArrow } from '../columns/arrow-convert.js';
import { fromParquet } from '../offline/parquet-file.js';
import { LatestRows } from './latest-rows.js';
import type { MaterializeDeps } from './materialize.js';
import { onlineTableOf } from './run-plan.js';
import type { RunRecord } from '../domain/run.js';

/**
 * Writes a committed snapshot's latest rows to the online store, after first re-writing any earlier
 * snapshot of the version whose online write failed (the "next run repairs it" rule). The store never
 * lets an older row replace a newer one, so the order of these writes does not matter.
 */
export async function syncOnline(run: RunRecord, snapshotId: number, latest: LatestRows, deps: Pick<MaterializeDeps, 'catalog' | 'runs' | 'files' | 'online'>): Promise<void> {
  const online = deps.online;
  if (!online) return;
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
