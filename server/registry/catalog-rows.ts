import type { AlertRule, Webhook } from '../alerts/alert-definition.js';
import { type EntityInput, resolveEntity } from '../domain/entity.js';
import type { FeatureService } from '../domain/feature-service.js';
import type { FeatureViewDefinition, FeatureViewVersion, FittedState } from '../domain/feature-view-version.js';
import { type FeatureViewInput, viewMetadata } from '../domain/feature-view.js';
import type { Source } from '../domain/source.js';
import type { Monitor } from '../monitoring/monitors/monitor-definition.js';
import type { Catalog, ObjectKind } from './catalog.js';
import type { ApplyRecord } from './catalog-store.js';

/** A row of one of the catalog's spec tables (SQLite migration 0001 and later, PostgreSQL 0001). */
export interface SpecRow {
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
}

/** A row of feature_view_versions. */
export interface VersionRow {
  view: string;
  version: number;
  definition: string;
  fingerprint: string;
  reason: 'apply' | 'refit';
  fitted_state: string | null;
  fitted_at: number | null;
  created_at: number;
}

/** A row of apply_history. */
export interface ApplyRow {
  id: number;
  applied_at: number;
  actor: string;
  summary: string;
}

/** The table each kind of object lives in, on every backend. */
export const TABLE: Record<ObjectKind, string> = {
  entity: 'entities',
  source: 'sources',
  featureView: 'feature_views',
  featureService: 'feature_services',
  alert: 'alert_rules',
  webhook: 'webhooks',
  monitor: 'monitors',
};

export const applyRecord = (r: ApplyRow): ApplyRecord => ({ id: r.id, appliedAt: r.applied_at, actor: r.actor, summary: JSON.parse(r.summary) });

/**
 * The catalog as the tables' rows give it. `specs` holds each spec table's rows by table name, ordered by
 * name; `versions` the feature_view_versions rows ordered by view, then version.
 */
export function catalogFromRows(revision: number, specs: (table: string) => SpecRow[], versions: VersionRow[]): Catalog {
  const catalog: Catalog = { revision, entities: new Map(), sources: new Map(), featureViews: new Map(), featureServices: new Map(), alerts: new Map(), webhooks: new Map(), monitors: new Map() };
  const times = (r: SpecRow) => ({ createdAt: r.created_at, updatedAt: r.updated_at });
  for (const r of specs(TABLE.entity)) {
    const spec = JSON.parse(r.spec) as EntityInput;
    catalog.entities.set(r.name, { name: r.name, spec, entity: resolveEntity(spec), ...times(r) });
  }
  for (const r of specs(TABLE.source)) catalog.sources.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Source, ...times(r) });
  for (const r of specs(TABLE.featureService)) catalog.featureServices.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as FeatureService, ...times(r) });
  for (const r of specs(TABLE.alert)) catalog.alerts.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as AlertRule, ...times(r) });
  for (const r of specs(TABLE.webhook)) catalog.webhooks.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Webhook, ...times(r) });
  for (const r of specs(TABLE.monitor)) catalog.monitors.set(r.name, { name: r.name, spec: JSON.parse(r.spec) as Monitor, ...times(r) });
  const byView = new Map<string, FeatureViewVersion[]>();
  for (const v of versions) {
    const list = byView.get(v.view) ?? [];
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
    byView.set(v.view, list);
  }
  for (const r of specs(TABLE.featureView)) {
    const spec = JSON.parse(r.spec) as FeatureViewInput;
    catalog.featureViews.set(r.name, { name: r.name, spec, metadata: viewMetadata(spec), versions: byView.get(r.name) ?? [], ...times(r) });
  }
  return catalog;
}
