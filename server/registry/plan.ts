import type { AlertRule, Webhook } from '../alerts/alert-definition.js';
import type { Monitor } from '../monitoring/monitors/monitor-definition.js';
import type { Bundle } from '../domain/bundle.js';
import { canonicalJson } from '../domain/canonical-json.js';
import { resolveEntity, type Entity, type EntityInput } from '../domain/entity.js';
import type { FeatureService } from '../domain/feature-service.js';
import { type FeatureViewInput, viewMetadata } from '../domain/feature-view.js';
import type { Source } from '../domain/source.js';
import type { FeatureViewDefinition } from '../domain/feature-view-version.js';
import { type Catalog, type ObjectKind, latestVersion } from './catalog.js';
import { sourceChanges, versionReasons } from './version-reasons.js';
import { diffPaths, fingerprint, resolveDefinition } from './view-definition.js';

export interface PlanItem {
  kind: ObjectKind;
  name: string;
  /** For updates: the fields that changed. */
  changes?: string[];
}

export interface NewVersion {
  featureView: string;
  version: number;
  /** Why: the parts of the definition that changed, or the entity or source that did. */
  reasons: string[];
}

export interface ApplySummary {
  created: PlanItem[];
  updated: PlanItem[];
  unchanged: PlanItem[];
  newVersions: NewVersion[];
}

export type CatalogWrite =
  | { kind: 'entity'; name: string; spec: EntityInput; create: boolean }
  | { kind: 'source'; name: string; spec: Source; create: boolean }
  | { kind: 'featureService'; name: string; spec: FeatureService; create: boolean }
  | { kind: 'alert'; name: string; spec: AlertRule; create: boolean }
  | { kind: 'webhook'; name: string; spec: Webhook; create: boolean }
  | { kind: 'monitor'; name: string; spec: Monitor; create: boolean }
  | {
      kind: 'featureView';
      name: string;
      spec: FeatureViewInput;
      create: boolean;
      newVersion?: { version: number; definition: FeatureViewDefinition; fingerprint: string };
    };

export interface ApplyPlan {
  /** The catalog revision the plan was computed from; applying it over another revision is refused. */
  baseRevision: number;
  summary: ApplySummary;
  writes: CatalogWrite[];
}

/**
 * Computes what applying a validated bundle changes, as `feast apply` does: objects it names are
 * created or updated, others are untouched. A view gets a new version when its definition (features,
 * types, transforms, fit, or the entities and source it reads) changes, including through an entity
 * or source edited in this bundle; metadata edits update it in place. Pure: writes nothing.
 */
export function planApply(catalog: Catalog, bundle: Bundle): ApplyPlan {
  const summary: ApplySummary = { created: [], updated: [], unchanged: [], newVersions: [] };
  const writes: CatalogWrite[] = [];

  const simple = <T extends { name: string }>(kind: 'entity' | 'source' | 'featureService' | 'alert' | 'webhook' | 'monitor', items: T[], current: (name: string) => unknown) => {
    for (const spec of items) {
      const old = current(spec.name);
      if (old === undefined) summary.created.push({ kind, name: spec.name });
      else if (canonicalJson(old) === canonicalJson(spec)) {
        summary.unchanged.push({ kind, name: spec.name });
        continue;
      } else summary.updated.push({ kind, name: spec.name, changes: kind === 'source' ? sourceChanges(old as Source, spec as unknown as Source) : diffPaths(old, spec) });
      // The kind and spec types match by construction (one call per kind below).
      writes.push({ kind, name: spec.name, spec, create: old === undefined } as unknown as CatalogWrite);
    }
  };
  simple('entity', bundle.entities, (n) => catalog.entities.get(n)?.spec);
  simple('source', bundle.sources, (n) => catalog.sources.get(n)?.spec);

  const entities = new Map<string, Entity>([...catalog.entities].map(([k, v]) => [k, v.entity]));
  for (const e of bundle.entities) entities.set(e.name, resolveEntity(e));
  const sources = new Map<string, Source>([...catalog.sources].map(([k, v]) => [k, v.spec]));
  for (const s of bundle.sources) sources.set(s.name, s);

  // Views named in the bundle, then stored views whose entity or source the bundle changed.
  const views = new Map<string, FeatureViewInput>(bundle.featureViews.map((v) => [v.name, v]));
  for (const [name, record] of catalog.featureViews) if (!views.has(name)) views.set(name, record.spec);

  for (const [name, spec] of views) {
    const inBundle = bundle.featureViews.some((v) => v.name === name);
    const record = catalog.featureViews.get(name);
    const definition = resolveDefinition(spec, entities, sources);
    const print = fingerprint(definition);
    if (!record) {
      summary.created.push({ kind: 'featureView', name });
      summary.newVersions.push({ featureView: name, version: 1, reasons: ['new feature view'] });
      writes.push({ kind: 'featureView', name, spec, create: true, newVersion: { version: 1, definition, fingerprint: print } });
      continue;
    }
    const latest = latestVersion(record);
    const metadataChanges = diffPaths(record.metadata, viewMetadata(spec));
    const versionChanges = latest.fingerprint === print ? [] : versionReasons(latest.definition, definition);
    if (versionChanges.length === 0 && metadataChanges.length === 0) {
      if (inBundle) summary.unchanged.push({ kind: 'featureView', name });
      continue;
    }
    summary.updated.push({ kind: 'featureView', name, changes: [...metadataChanges, ...versionChanges] });
    const write: CatalogWrite = { kind: 'featureView', name, spec, create: false };
    if (versionChanges.length > 0) {
      const version = latest.version + 1;
      summary.newVersions.push({ featureView: name, version, reasons: versionChanges });
      write.newVersion = { version, definition, fingerprint: print };
    }
    writes.push(write);
  }

  simple('featureService', bundle.featureServices, (n) => catalog.featureServices.get(n)?.spec);
  simple('webhook', bundle.webhooks, (n) => catalog.webhooks.get(n)?.spec);
  simple('alert', bundle.alerts, (n) => catalog.alerts.get(n)?.spec);
  simple('monitor', bundle.monitors, (n) => catalog.monitors.get(n)?.spec);
  return { baseRevision: catalog.revision, summary, writes };
}

export function planIsEmpty(plan: ApplyPlan): boolean {
  return plan.writes.length === 0;
}
