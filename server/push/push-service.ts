import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import { conflict, notFound, TesseraError } from '../errors.js';
import type { OnlineStore } from '../online/online-store.js';
import { LatestRows } from '../pipelines/latest-rows.js';
import type { OutputBatch } from '../pipelines/output-batch.js';
import { onlineTableOf } from '../pipelines/run-plan.js';
import type { Catalog, FeatureViewRecord } from '../registry/catalog.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import { outputSchema } from '../registry/output-schema.js';
import type { RunStore } from '../registry/run-store.js';
import { joinKeysOf } from '../registry/view-definition.js';
import { fencedOnlineWrite } from './fenced-online-write.js';
import type { OfflineBatcher, OfflineCommit } from './offline-batcher.js';
import { parseFrame } from './push-frame.js';
import type { PushRequest, WriteToOnlineStoreRequest } from './push-request.js';
import { pushRows } from './push-rows.js';

export interface PushResult {
  push_source_name?: string;
  /** Per view written: its version, the rows pushed, and the offline snapshot that holds them. */
  feature_views: { name: string; version: number; rows: number; online: boolean; snapshot_id: number | null }[];
}

/**
 * Feast's write endpoints: `/push` (rows of a push source, to every view reading it) and
 * `/write-to-online-store` (rows of one view, online only). Every view's rows are coerced and
 * transformed with the version's frozen state before anything is written, so bad input changes
 * nothing. Offline rows go first (group-committed snapshots, answered once durable), then online
 * (the store keeps the newer row per key: event time, then created time, decided in the store).
 */
export class PushService {
  constructor(
    private readonly deps: {
      catalog: CatalogCache;
      runs: RunStore;
      online: OnlineStore;
      offline: OfflineBatcher;
    },
  ) {}

  async push(request: PushRequest): Promise<PushResult> {
    let catalog = request.allow_registry_cache === false ? await this.deps.catalog.refresh() : await this.deps.catalog.get();
    // A push source another process just created: the cache follows moments later; ask the registry.
    if (!catalog.sources.has(request.push_source_name) && (await this.deps.catalog.reloadIfMoved())) catalog = await this.deps.catalog.get();
    const source = catalog.sources.get(request.push_source_name);
    if (source?.spec.type !== 'push') {
      const known = [...catalog.sources.values()].filter((s) => s.spec.type === 'push').map((s) => s.name);
      // Feast's own words (PushSourceNotFoundException in feast/errors.py): its clients and tests match them.
      const name = request.push_source_name;
      throw new TesseraError('unknown_push_source', `Unable to find push source '${name}'.${source ? ` '${name}' is a ${source.spec.type} source.` : ''}`, [
        { path: 'push_source_name', message: known.length ? `not a push source; push sources: ${known.join(', ')}` : 'not a push source; none is defined' },
      ]);
    }
    const views = [...catalog.featureViews.values()].filter((v) => latest(v).definition.source.name === source.name && latest(v).definition.source.type === 'push');
    const frame = parseFrame(request.df);
    const spec = source.spec;
    const prepared: { view: FeatureViewRecord; version: FeatureViewVersion; rows: OutputBatch; path: string }[] = [];
    for (const view of views) {
      const version = latest(view);
      const rows = await pushRows(frame, version, {
        timestamp: [spec.timestampField],
        created: spec.createdTimestampField ? [spec.createdTimestampField] : [],
        transform: request.transform_on_write !== false,
        states: this.states(version),
        carry: () => this.deps.runs.carry(view.name, version.version),
        path: 'df',
      });
      prepared.push({ view, version, rows, path: 'push_source_name' });
    }
    const to = request.to ?? 'online';
    const results = await Promise.all(prepared.map((p) => this.write(p, to !== 'online', to !== 'offline')));
    return { push_source_name: source.name, feature_views: results };
  }

  async writeToOnlineStore(request: WriteToOnlineStoreRequest): Promise<PushResult> {
    let catalog: Catalog = request.allow_registry_cache === false ? await this.deps.catalog.refresh() : await this.deps.catalog.get();
    if (!catalog.featureViews.has(request.feature_view_name) && (await this.deps.catalog.reloadIfMoved())) catalog = await this.deps.catalog.get();
    const view = catalog.featureViews.get(request.feature_view_name);
    if (!view) throw notFound('feature view', request.feature_view_name, 'feature_view_name');
    const version = latest(view);
    const source = version.definition.source;
    // Feast's remote online store sends `event_timestamp` and `created` whatever the source calls them.
    const rows = await pushRows(parseFrame(request.df), version, {
      timestamp: [source.timestampField, 'event_timestamp'],
      created: source.createdTimestampField ? [source.createdTimestampField, 'created'] : [],
      transform: request.transform_on_write !== false,
      states: this.states(version),
      carry: () => this.deps.runs.carry(view.name, version.version),
      path: 'df',
    });
    return { feature_views: [await this.write({ view, version, rows, path: 'feature_view_name' }, false, true)] };
  }

  /** The frozen states to apply; a version not fitted yet has none, which only a view without transforms can do without. */
  private states(version: FeatureViewVersion): Record<string, unknown[]> {
    if (version.fittedState) return version.fittedState.features;
    const needs = version.definition.features.filter((f) => f.transforms.length > 0).map((f) => f.name);
    if (needs.length) {
      throw conflict(
        `version ${version.version} of '${version.view}' has not been fitted yet (features ${needs.join(', ')} have transforms): materialize it from its batch source first, so pushed rows get the same arithmetic as materialized ones`,
        [{ path: 'push_source_name', message: `feature view '${version.view}' is not fitted yet` }],
      );
    }
    return {};
  }

  private async write(p: { view: FeatureViewRecord; version: FeatureViewVersion; rows: OutputBatch; path: string }, offline: boolean, online: boolean): Promise<PushResult['feature_views'][number]> {
    const { view, version, rows } = p;
    const servesOnline = online && view.metadata.online;
    let commit: OfflineCommit | null = null;
    if (offline && rows.length > 0) {
      const hasCreated = version.definition.source.createdTimestampField !== undefined;
      commit = await this.deps.offline.add({ view: view.name, version: version.version, keys: joinKeysOf(version.definition), hasCreated }, rows);
    }
    let written = false;
    try {
      if (servesOnline && rows.length > 0) {
        const table = onlineTableOf(version) ?? fallbackTable(version);
        const latestRows = new LatestRows(rows.length);
        latestRows.add(rows);
        await fencedOnlineWrite(this.deps.catalog, this.deps.online, version, table, latestRows.rows(rows.createdTs !== null), p.path);
        written = true;
      }
    } finally {
      // A push to the offline store only owes the online store nothing: its snapshot counts as synced.
      commit?.settled(written || !servesOnline);
    }
    return { name: view.name, version: version.version, rows: rows.length, online: written, snapshot_id: commit?.snapshotId ?? null };
  }
}

function latest(view: FeatureViewRecord): FeatureViewVersion {
  return view.versions[view.versions.length - 1];
}

/** The online table of an unfitted version without transforms (its columns are known without state). */
function fallbackTable(version: FeatureViewVersion) {
  const columns = outputSchema(version.definition, null) ?? [];
  return { view: version.view, version: version.version, keys: joinKeysOf(version.definition), columns: columns.map((c) => ({ name: c.name, type: c.type })) };
}
