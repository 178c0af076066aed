import { conflict, notFound } from '../errors.js';
import type { Catalog, ObjectKind } from './catalog.js';

/** Who refers to an object: views to entities and sources, push sources to their batch source, services to views. */
export function referencesTo(catalog: Catalog, kind: ObjectKind, name: string): string[] {
  const users: string[] = [];
  if (kind === 'entity' || kind === 'source') {
    for (const view of catalog.featureViews.values()) {
      const uses = kind === 'entity' ? view.spec.entities.includes(name) : view.spec.source === name;
      if (uses) users.push(`feature view '${view.name}'`);
    }
  }
  if (kind === 'source') {
    // Without its batch source, a push source's views would read nothing on their next run.
    for (const source of catalog.sources.values()) if (source.spec.type === 'push' && source.spec.batchSource === name) users.push(`push source '${source.name}'`);
  }
  if (kind === 'featureView') {
    for (const service of catalog.featureServices.values()) {
      if (service.spec.features.some((f) => f.split(/[@:]/)[0] === name)) users.push(`feature service '${service.name}'`);
    }
  }
  if (kind === 'featureView') {
    for (const rule of catalog.alerts.values()) if (rule.spec.featureViews?.includes(name)) users.push(`alert rule '${rule.name}'`);
  }
  if (kind === 'featureView') {
    for (const monitor of catalog.monitors.values()) if (monitor.spec.featureView === name) users.push(`monitor '${monitor.name}'`);
  }
  if (kind === 'webhook') {
    for (const rule of catalog.alerts.values()) if (rule.spec.webhooks.includes(name)) users.push(`alert rule '${rule.name}'`);
  }
  return users;
}

const KIND_LABEL: Record<ObjectKind, string> = {
  entity: 'entity',
  source: 'source',
  featureView: 'feature view',
  featureService: 'feature service',
  alert: 'alert rule',
  webhook: 'webhook',
  monitor: 'monitor',
};

/** Refuses to delete an object that does not exist (404) or that another object uses (409). */
export function assertDeletable(catalog: Catalog, kind: ObjectKind, name: string): void {
  const exists = {
    entity: catalog.entities,
    source: catalog.sources,
    featureView: catalog.featureViews,
    featureService: catalog.featureServices,
    alert: catalog.alerts,
    webhook: catalog.webhooks,
    monitor: catalog.monitors,
  }[kind].has(name);
  if (!exists) throw notFound(KIND_LABEL[kind], name, 'name');
  const users = referencesTo(catalog, kind, name);
  if (users.length > 0) throw conflict(`${KIND_LABEL[kind]} '${name}' is used by ${users.join(', ')}; delete or change those first`, [{ path: 'name', message: `used by ${users.join(', ')}` }]);
}
