import type { Clock } from '../../clock.js';
import type { FeatureViewDefinition, FittedState } from '../../domain/feature-view-version.js';
import { conflict, notFound } from '../../errors.js';
import { type Catalog, type ObjectKind, latestVersion } from '../catalog.js';
import type { ApplyRecord, CatalogStore } from '../catalog-store.js';
import type { ApplyPlan } from '../plan.js';
import { assertDeletable } from '../references.js';
import { type ApplyRow, type SpecRow, TABLE, type VersionRow, applyRecord, catalogFromRows } from '../catalog-rows.js';
import type { PgDatabase, Queryable } from './pg-database.js';
import { CHANNELS } from './pg-notifier.js';

/**
 * The catalog tables on PostgreSQL. Every write locks the one `catalog_revision` row first, so catalog
 * writes from any number of processes are ordered, and a plan computed from an old revision is refused.
 * Committing bumps the revision and notifies `tessera_catalog`, so other processes reload at once.
 */
export class PgCatalogStore implements CatalogStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly clock: Clock,
    private readonly forgetView: (q: Queryable, view: string, now: number) => Promise<void>,
  ) {}

  async loadCatalog(): Promise<Catalog> {
    return this.db.transaction((q) => this.readCatalog(q), { snapshot: true });
  }

  async revision(): Promise<number> {
    return (await this.db.query<{ revision: number }>('SELECT revision FROM catalog_revision WHERE id = 1')).rows[0].revision;
  }

  async applyPlan(plan: ApplyPlan, audit: { actor: string; bundle: unknown }): Promise<void> {
    await this.db.transaction(async (q) => {
      if ((await lockRevision(q)) !== plan.baseRevision) throw conflict('the catalog changed while this apply was being planned; apply again');
      const at = this.clock.now();
      for (const w of plan.writes) {
        const table = TABLE[w.kind];
        if (w.create) await q.query(`INSERT INTO ${table} (name, spec, created_at, updated_at) VALUES ($1, $2, $3, $3)`, [w.name, JSON.stringify(w.spec), at]);
        else await q.query(`UPDATE ${table} SET spec = $1, updated_at = $2 WHERE name = $3`, [JSON.stringify(w.spec), at, w.name]);
        if (w.kind === 'featureView' && w.newVersion) {
          await insertVersion(q, w.name, w.newVersion.version, w.newVersion.definition, w.newVersion.fingerprint, 'apply', at);
        }
      }
      await q.query('INSERT INTO apply_history (applied_at, actor, summary, bundle) VALUES ($1, $2, $3, $4)', [at, audit.actor, JSON.stringify(plan.summary), JSON.stringify(audit.bundle)]);
      await bumpRevision(q);
    });
  }

  async deleteObject(kind: ObjectKind, name: string): Promise<void> {
    await this.db.transaction(async (q) => {
      await lockRevision(q);
      assertDeletable(await this.readCatalog(q), kind, name);
      await q.query(`DELETE FROM ${TABLE[kind]} WHERE name = $1`, [name]);
      if (kind === 'featureView') await this.forgetView(q, name, this.clock.now());
      await bumpRevision(q);
    });
  }

  async addRefitVersion(view: string): Promise<number> {
    return this.db.transaction((q) => this.refitVersion(q, view, this.clock.now()));
  }

  /** `addRefitVersion` inside the caller's transaction (a refit that queues its run in the same one). */
  async refitVersion(q: Queryable, view: string, at: number): Promise<number> {
    await lockRevision(q);
    const record = (await this.readCatalog(q)).featureViews.get(view);
    if (!record) throw notFound('feature view', view);
    const latest = latestVersion(record);
    const version = latest.version + 1;
    await insertVersion(q, view, version, latest.definition, latest.fingerprint, 'refit', at);
    await bumpRevision(q);
    return version;
  }

  async setFittedState(view: string, version: number, state: FittedState): Promise<void> {
    await this.db.transaction(async (q) => {
      await lockRevision(q);
      if (!(await this.fitVersion(q, view, version, state, this.clock.now()))) throw conflict(`feature view '${view}' version ${version} is already fitted, or does not exist`);
    });
  }

  /**
   * Sets a version's fitted state and bumps the revision, inside the caller's transaction (which has
   * locked the revision row). False, and nothing written, when the version is fitted already.
   */
  async fitVersion(q: Queryable, view: string, version: number, state: FittedState, at: number): Promise<boolean> {
    const result = await q.query('UPDATE feature_view_versions SET fitted_state = $1, fitted_at = $2 WHERE view = $3 AND version = $4 AND fitted_state IS NULL', [
      JSON.stringify(state),
      at,
      view,
      version,
    ]);
    if (result.rowCount !== 1) return false;
    await bumpRevision(q);
    return true;
  }

  async applyHistory(limit: number): Promise<ApplyRecord[]> {
    const { rows } = await this.db.query<ApplyRow>('SELECT id, applied_at, actor, summary FROM apply_history ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map(applyRecord);
  }

  private async readCatalog(q: Queryable): Promise<Catalog> {
    const revision = (await q.query<{ revision: number }>('SELECT revision FROM catalog_revision WHERE id = 1')).rows[0].revision;
    const specs = new Map<string, SpecRow[]>();
    for (const table of Object.values(TABLE)) specs.set(table, (await q.query<SpecRow>(`SELECT name, spec, created_at, updated_at FROM ${table} ORDER BY name COLLATE "C"`)).rows);
    const versions = (await q.query<VersionRow>('SELECT * FROM feature_view_versions ORDER BY view COLLATE "C", version')).rows;
    return catalogFromRows(revision, (table) => specs.get(table)!, versions);
  }
}

/** Locks the revision row for the rest of the transaction; returns the revision. */
export async function lockRevision(q: Queryable): Promise<number> {
  return (await q.query<{ revision: number }>('SELECT revision FROM catalog_revision WHERE id = 1 FOR UPDATE')).rows[0].revision;
}

async function bumpRevision(q: Queryable): Promise<void> {
  const { rows } = await q.query<{ revision: number }>('UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision');
  // Delivered when the transaction commits, never for one rolled back.
  await q.query('SELECT pg_notify($1, $2)', [CHANNELS.catalog, String(rows[0].revision)]);
}

async function insertVersion(q: Queryable, view: string, version: number, definition: FeatureViewDefinition, print: string, reason: 'apply' | 'refit', at: number): Promise<void> {
  await q.query('INSERT INTO feature_view_versions (view, version, definition, fingerprint, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
    view,
    version,
    JSON.stringify(definition),
    print,
    reason,
    at,
  ]);
}
