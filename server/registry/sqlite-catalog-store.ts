import type Database from 'better-sqlite3';
import { resolveEntity, type EntityInput } from '../domain/entity.js';
import type { FeatureService } from '../domain/feature-service.js';
import { type FeatureViewInput, viewMetadata } from '../domain/feature-view.js';
import type { Source } from '../domain/source.js';
import { conflict, notFound } from '../errors.js';
import type { Catalog, FeatureViewDefinition, FeatureViewVersion, FittedState, ObjectKind } from './catalog.js';
import { latestVersion } from './catalog.js';
import type { ApplyPlan } from './plan.js';
import type { ApplyRecord, CatalogStore } from './registry.js';

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
};

const KIND_LABEL: Record<ObjectKind, string> = {
  entity: 'entity',
  source: 'source',
  featureView: 'feature view',
  featureService: 'feature service',
};

/** The catalog over registry.db (better-sqlite3 is synchronous; the Promises are the interface's). */
export class SqliteCatalogStore implements CatalogStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {}

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
        const catalog = this.readCatalog();
        const exists = { entity: catalog.entities, source: catalog.sources, featureView: catalog.featureViews, featureService: catalog.featureServices }[kind].has(name);
        if (!exists) throw notFound(KIND_LABEL[kind], name, 'name');
        const users = referencesTo(catalog, kind, name);
        if (users.length > 0) throw conflict(`${KIND_LABEL[kind]} '${name}' is used by ${users.join(', ')}; delete or change those first`, [{ path: 'name', message: `used by ${users.join(', ')}` }]);
        this.db.prepare(`DELETE FROM ${TABLE[kind]} WHERE name = ?`).run(name);
        if (kind === 'featureView') this.forgetView(name);
        this.bumpRevision();
      })
      .immediate();
  }

  /**
   * A deleted view leaves nothing a view created later under its name would inherit: no snapshots or
   * watermarks (its new version 1 starts from the whole history), no ffill carry, and no active run
   * (one still executing is refused at its commit, which checks that it is still running).
   */
  private forgetView(name: string): void {
    for (const table of ['snapshots', 'watermarks', 'ffill_carry']) this.db.prepare(`DELETE FROM ${table} WHERE view = ?`).run(name);
    this.db
      .prepare(`UPDATE runs SET status = 'failed', reason = 'deleted', error = 'the feature view was deleted', finished_at = ?, holder = NULL WHERE view = ? AND status IN ('queued', 'running')`)
      .run(this.now(), name);
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
        const result = this.db
          .prepare('UPDATE feature_view_versions SET fitted_state = ?, fitted_at = ? WHERE view = ? AND version = ? AND fitted_state IS NULL')
          .run(JSON.stringify(state), this.now(), view, version);
        if (result.changes !== 1) throw conflict(`feature view '${view}' version ${version} is already fitted, or does not exist`);
        this.bumpRevision();
      })
      .immediate();
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
    const catalog: Catalog = { revision: this.currentRevision(), entities: new Map(), sources: new Map(), featureViews: new Map(), featureServices: new Map() };
    for (const r of rows('entities')) {
      const spec = JSON.parse(r.spec) as EntityInput;
      catalog.entities.set(r.name, { name: r.name, spec, entity: resolveEntity(spec), createdAt: r.created_at, updatedAt: r.updated_at });
    }
    for (const r of rows('sources')) catalog.sources.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Source, createdAt: r.created_at, updatedAt: r.updated_at });
    for (const r of rows('feature_services')) {
      catalog.featureServices.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as FeatureService, createdAt: r.created_at, updatedAt: r.updated_at });
    }
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

/** Who refers to an object: views to entities and sources, services to views. */
function referencesTo(catalog: Catalog, kind: ObjectKind, name: string): string[] {
  const users: string[] = [];
  if (kind === 'entity' || kind === 'source') {
    for (const view of catalog.featureViews.values()) {
      const uses = kind === 'entity' ? view.spec.entities.includes(name) : view.spec.source === name;
      if (uses) users.push(`feature view '${view.name}'`);
    }
  }
  if (kind === 'featureView') {
    for (const service of catalog.featureServices.values()) {
      if (service.spec.features.some((f) => f.split(/[@:]/)[0] === name)) users.push(`feature service '${service.name}'`);
    }
  }
  return users;
}
