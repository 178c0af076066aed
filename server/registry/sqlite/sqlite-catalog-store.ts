import type Database from 'better-sqlite3';
import type { Clock } from '../../clock.js';
import type { FeatureViewDefinition, FittedState } from '../../domain/feature-view-version.js';
import { conflict, notFound } from '../../errors.js';
import { type Catalog, type ObjectKind, latestVersion } from '../catalog.js';
import type { ApplyRecord, CatalogStore } from '../catalog-store.js';
import type { ApplyPlan } from '../plan.js';
import { assertDeletable } from '../references.js';
import { type ApplyRow, type SpecRow, TABLE, type VersionRow, applyRecord, catalogFromRows } from '../catalog-rows.js';

/**
 * The catalog tables of registry.db (better-sqlite3 is synchronous; the Promises are the interface's).
 * It writes its own tables only: what a view's deletion means elsewhere in the registry is the
 * `forgetView` it is given, run inside the deletion's transaction.
 */
export class SqliteCatalogStore implements CatalogStore {
  // Prepared once: every online push reads the revision (its deleted-view check), and preparing the
  // statement cost more than running it.
  private readonly revisionQuery: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly forgetView: (view: string, now: number) => void,
  ) {
    this.revisionQuery = db.prepare('SELECT revision FROM catalog_revision WHERE id = 1');
  }

  private now(): number {
    return this.clock.now();
  }

  async loadCatalog(): Promise<Catalog> {
    return this.db.transaction(() => this.readCatalog())();
  }

  async revision(): Promise<number> {
    return this.currentRevision();
  }

  async applyPlan(plan: ApplyPlan, audit: { actor: string; bundle: unknown }): Promise<void> {
    this.db
      .transaction(() => {
        if (this.currentRevision() !== plan.baseRevision) {
          throw conflict('the catalog changed while this apply was being planned; apply again');
        }
        const at = this.now();
        for (const w of plan.writes) {
          const table = TABLE[w.kind];
          if (w.create) {
            this.db.prepare(`INSERT INTO ${table} (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)`).run(w.name, JSON.stringify(w.spec), at, at);
          } else {
            this.db.prepare(`UPDATE ${table} SET spec = ?, updated_at = ? WHERE name = ?`).run(JSON.stringify(w.spec), at, w.name);
          }
          if (w.kind === 'featureView' && w.newVersion) {
            this.insertVersion(w.name, w.newVersion.version, w.newVersion.definition, w.newVersion.fingerprint, 'apply', at);
          }
        }
        this.db.prepare('INSERT INTO apply_history (applied_at, actor, summary, bundle) VALUES (?, ?, ?, ?)').run(at, audit.actor, JSON.stringify(plan.summary), JSON.stringify(audit.bundle));
        this.bumpRevision();
      })
      .immediate();
  }

  async deleteObject(kind: ObjectKind, name: string): Promise<void> {
    this.db
      .transaction(() => {
        assertDeletable(this.readCatalog(), kind, name);
        this.db.prepare(`DELETE FROM ${TABLE[kind]} WHERE name = ?`).run(name);
        if (kind === 'featureView') this.forgetView(name, this.now());
        this.bumpRevision();
      })
      .immediate();
  }

  async addRefitVersion(view: string): Promise<number> {
    return this.db.transaction(() => this.refitVersion(view, this.now())).immediate();
  }

  /** `addRefitVersion` inside the caller's transaction (a refit that queues its run in the same one). */
  refitVersion(view: string, at: number): number {
    const record = this.readCatalog().featureViews.get(view);
    if (!record) throw notFound('feature view', view);
    const latest = latestVersion(record);
    const version = latest.version + 1;
    this.insertVersion(view, version, latest.definition, latest.fingerprint, 'refit', at);
    this.bumpRevision();
    return version;
  }

  async setFittedState(view: string, version: number, state: FittedState): Promise<void> {
    this.db
      .transaction(() => {
        if (!this.fitVersion(view, version, state, this.now())) throw conflict(`feature view '${view}' version ${version} is already fitted, or does not exist`);
      })
      .immediate();
  }

  /**
   * Sets a version's fitted state and bumps the revision, inside the caller's transaction (a snapshot
   * commit fits the version it commits). False, and nothing written, when the version is fitted already.
   */
  fitVersion(view: string, version: number, state: FittedState, at: number): boolean {
    const result = this.db
      .prepare('UPDATE feature_view_versions SET fitted_state = ?, fitted_at = ? WHERE view = ? AND version = ? AND fitted_state IS NULL')
      .run(JSON.stringify(state), at, view, version);
    if (result.changes !== 1) return false;
    this.bumpRevision();
    return true;
  }

  async applyHistory(limit: number): Promise<ApplyRecord[]> {
    const rows = this.db.prepare('SELECT id, applied_at, actor, summary FROM apply_history ORDER BY id DESC LIMIT ?').all(limit) as ApplyRow[];
    return rows.map(applyRecord);
  }

  private readCatalog(): Catalog {
    const specs = (table: string) => this.db.prepare(`SELECT name, spec, created_at, updated_at FROM ${table} ORDER BY name`).all() as SpecRow[];
    const versions = this.db.prepare('SELECT * FROM feature_view_versions ORDER BY view, version').all() as VersionRow[];
    return catalogFromRows(this.currentRevision(), specs, versions);
  }

  private insertVersion(view: string, version: number, definition: FeatureViewDefinition, print: string, reason: 'apply' | 'refit', at: number): void {
    this.db
      .prepare('INSERT INTO feature_view_versions (view, version, definition, fingerprint, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(view, version, JSON.stringify(definition), print, reason, at);
  }

  private currentRevision(): number {
    return (this.revisionQuery.get() as { revision: number }).revision;
  }

  private bumpRevision(): void {
    this.db.prepare('UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1').run();
  }
}
