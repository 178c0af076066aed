import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import { conflict, errorMessage, TesseraError } from '../errors.js';
import type { OnlineRows, OnlineStore, OnlineTable } from '../online/online-store.js';
import { deletedTableKept } from '../pipelines/deleted-mid-run.js';
import type { CatalogCache } from '../registry/catalog-cache.js';

/**
 * Writes a push's rows to its view version's online table unless the view was deleted, and leaves
 * none there if it was deleted while they were written. A deletion forgets the view in the registry,
 * then drops its tables; a table is named by view and version alone, the same for a view created again
 * under the name, so a write that lands after the drop (its createTable makes the table again) would
 * be served by that view. As a run's online write does (syncOnline), the push checks the registry
 * after writing, and drops the table again when the deletion landed: the deletion's drop wins. The
 * check is one revision query; the catalog is read again only when the revision moved.
 */
export async function fencedOnlineWrite(catalog: CatalogCache, online: OnlineStore, version: FeatureViewVersion, table: OnlineTable, rows: OnlineRows, path: string): Promise<void> {
  // One check, after the write, is enough: a deletion forgets the view before it drops the tables, so
  // a write it could miss is one this check sees (and drops). A check before as well would cost every
  // push a second registry round trip (on PostgreSQL) to spare only the rare push that races a deletion.
  let failure: { error: unknown } | null = null;
  try {
    await online.createTable(table);
    await online.write(table, rows);
  } catch (error) {
    failure = { error };
  }
  // A registry that does not answer now: the write's own outcome stands.
  if (!(await stillServed(catalog, version).catch(() => true))) {
    try {
      await online.dropTable(version.view, version.version);
    } catch (e) {
      throw new TesseraError('unavailable', `${deletedTableKept(version.view, version.version)}: ${errorMessage(e)}`, [], { cause: e });
    }
    throw viewDeleted(version, path);
  }
  if (failure) throw failure.error;
}

/**
 * Whether the stored catalog still holds this very version: a view deleted and created again has a
 * version of the same number, made later (a deletion and a creation within one millisecond with the
 * same definition cannot be told apart).
 */
async function stillServed(catalog: CatalogCache, version: FeatureViewVersion): Promise<boolean> {
  const stored = (await catalog.latest()).featureViews.get(version.view)?.versions.find((v) => v.version === version.version);
  return stored !== undefined && stored.createdAt === version.createdAt && stored.fingerprint === version.fingerprint;
}

function viewDeleted(version: FeatureViewVersion, path: string) {
  return conflict(`feature view '${version.view}' was deleted during the push: its rows are not written online`, [
    { path, message: `feature view '${version.view}' version ${version.version} no longer exists` },
  ]);
}
