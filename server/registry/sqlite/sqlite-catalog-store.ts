import type Database from 'better-sqlite3';
import type { AlertRule, Webhook } from '../../alerts/alert-definition.js';
import type { Monitor } from '../../monitoring/monitors/monitor-definition.js';
import type { Clock } from '../../clock.js';
import { resolveEntity, type EntityInput } from '../../domain/entity.js';
import type { FeatureService } from '../../domain/feature-service.js';
import type { FeatureViewDefinition, FeatureViewVersion, FittedState } from '../../domain/feature-view-version.js';
import { type FeatureViewInput, viewMetadata } from '../../domain/feature-view.js';
import type { Source } from '../../domain/source.js';
import { conflict, notFound } from '../../errors.js';
import { type Catalog, type ObjectKind, latestVersion } from '../catalog.js';
import type { ApplyRecord, CatalogStore } from '../catalog-store.js';
import type { ApplyPlan } from '../plan.js';
import { assertDeletable } from '../references.js';

interface SpecRow {
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  view: string;
  version: number;
  definition: string;
  fingerprint: string;
  reason: 'apply' | 'refit';
  fitted_state: string | null;
  fitted_at: number | null;
  created_at: number;
}

const TABLE: Record<ObjectKind, string> = {
  entity: 'entities',
  source: 'sources',
  featureView: 'feature_views',
  featureService: 'feature_services',
  alert: 'alert_rules',
  webhook: 'webhooks',
  monitor: 'monitors',
};

/**
 * The catalog tables of registry.db (better-sqlite3 is synchronous; the Promises are the interface's).
 * It writes its own tables only: what a view's deletion means elsewhere in the registry is the
 * `forgetView` it is given, run inside the deletion's transaction.
 */
export class SqliteCatalogStore implements CatalogStore {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly forgetView: (view: string, now: number) => void,
  ) {}

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
    return this.db
      .transaction(() => {
        const catalog = this.readCatalog();
        const record = catalog.featureViews.get(view);
        if (!record) throw notFound('feature view', view);
        const latest = latestVersion(record);
        const version = latest.version + 1;
        this.insertVersion(view, version, latest.definition, latest.fingerprint, 'refit', this.now());
        this.bumpRevision();
        return version;
      })
      .immediate();
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
    const rows = this.db.prepare('SELECT id, applied_at, actor, summary FROM apply_history ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      applied_at: number;
      actor: string;
      summary: string;
    }[];
    return rows.map((r) => ({ id: r.id, appliedAt: r.applied_at, actor: r.actor, summary: JSON.parse(r.summary) }));
  }

  private readCatalog(): Catalog {
    const rows = (table: string) => this.db.prepare(`SELECT name, spec, created_at, updated_at FROM ${table} ORDER BY name`).all() as SpecRow[];
    const catalog: Catalog = {
      revision: this.currentRevision(),
      entities: new Map(),
      sources: new Map(),
      featureViews: new Map(),
      featureServices: new Map(),
      alerts: new Map(),
      webhooks: new Map(),
      monitors: new Map(),
    };
    for (const r of rows('entities')) {
      const spec = JSON.parse(r.spec) as EntityInput;
      catalog.entities.set(r.name, { name: r.name, spec, entity: resolveEntity(spec), createdAt: r.created_at, updatedAt: r.updated_at });
    }
    for (const r of rows('sources')) catalog.sources.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Source, createdAt: r.created_at, updatedAt: r.updated_at });
    for (const r of rows('feature_services')) {
      catalog.featureServices.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as FeatureService, createdAt: r.created_at, updatedAt: r.updated_at });
    }
    for (const r of rows('alert_rules')) catalog.alerts.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as AlertRule, createdAt: r.created_at, updatedAt: r.updated_at });
    for (const r of rows('webhooks')) catalog.webhooks.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Webhook, createdAt: r.created_at, updatedAt: r.updated_at });
    for (const r of rows('monitors')) catalog.monitors.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Monitor, createdAt: r.created_at, updatedAt: r.updated_at });
    const versions = new Map<string, FeatureViewVersion[]>();
    for (const v of this.db.prepare('SELECT * FROM feature_view_versions ORDER BY view, version').all() as VersionRow[]) {
      const list = versions.get(v.view) ?? [];
      list.push({
        view: v.view,
        version: v.version,
        definition: JSON.parse(v.definition) as FeatureViewDefinition,
        fingerprint: v.fingerprint,
        reason: v.reason,
        fittedState: v.fitted_state === null ? null : (JSON.parse(v.fitted_state) as FittedState),
        fittedAt: v.fitted_at,
        createdAt: v.created_at,
      });
      versions.set(v.view, list);
    }
    for (const r of rows('feature_views')) {
      const spec = JSON.parse(r.spec) as FeatureViewInput;
      catalog.featureViews.set(r.name, { name: r.name, spec, metadata: viewMetadata(spec), versions: versions.get(r.name) ?? [], createdAt: r.created_at, updatedAt: r.updated_at });
    }
    return catalog;
  }

  private insertVersion(view: string, version: number, definition: FeatureViewDefinition, print: string, reason: 'apply' | 'refit', at: number): void {
    this.db
      .prepare('INSERT INTO feature_view_versions (view, version, definition, fingerprint, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(view, version, JSON.stringify(definition), print, reason, at);
  }

  private currentRevision(): number {
    return (this.db.prepare('SELECT revision FROM catalog_revision WHERE id = 1').get() as { revision: number }).revision;
  }

  private bumpRevision(): void {
    this.db.prepare('UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1').run();
  }
}
