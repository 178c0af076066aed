import { validateAlerts } from '../alerts/validate-alerts.js';
import { validateMonitors } from '../monitoring/monitors/monitor-definition.js';
import type { Bundle } from '../domain/bundle.js';
import { resolveEntity, type Entity } from '../domain/entity.js';
import { parseFeatureRef } from '../domain/feature-ref.js';
import type { FeatureInput } from '../domain/feature-view.js';
import { stepSpec } from '../domain/transform-spec.js';
import type { FieldError } from '../errors.js';
import { checkChain } from '../transforms/chain.js';
import { type Catalog, findVersion, latestVersion } from './catalog.js';
import { validateExpectations } from './validate-expectations.js';

/**
 * A push source's batch source must exist and not be a push source, and both must agree on whether
 * rows have a created timestamp: pushed and materialized rows share one offline layout. Checked from
 * both ends: a push source in the bundle, and a batch source in the bundle that a stored push source uses.
 */
function checkPushSources(bundle: Bundle, catalog: Catalog, add: (path: string, message: string) => void): void {
  const sourceOf = (name: string) => bundle.sources.find((s) => s.name === name) ?? catalog.sources.get(name)?.spec;
  bundle.sources.forEach((source, i) => {
    if (source.type !== 'push' || source.batchSource === undefined) return;
    const batch = sourceOf(source.batchSource);
    const at = `sources[${i}].batchSource`;
    if (!batch) return add(at, `source '${source.batchSource}' does not exist (define it in this bundle or apply it first)`);
    if (batch.type === 'push') return add(at, `'${source.batchSource}' is a push source: a batch source is one a run can read`);
    if ((batch.createdTimestampField === undefined) !== (source.createdTimestampField === undefined)) {
      add(`sources[${i}].createdTimestampField`, `must be set exactly when batch source '${source.batchSource}' sets createdTimestampField: pushed and materialized rows share one offline layout`);
    }
  });
  // A bundle may change a batch source alone: the stored push sources that use it must still agree.
  for (const [name, { spec: push }] of catalog.sources) {
    if (push.type !== 'push' || push.batchSource === undefined || bundle.sources.some((s) => s.name === name)) continue;
    const i = bundle.sources.findIndex((s) => s.name === push.batchSource);
    if (i < 0) continue;
    const batch = bundle.sources[i];
    if (batch.type === 'push') {
      add(`sources[${i}].type`, `'${batch.name}' is the batch source of push source '${name}': a batch source is one a run can read, not a push source`);
    } else if ((batch.createdTimestampField === undefined) !== (push.createdTimestampField === undefined)) {
      add(
        `sources[${i}].createdTimestampField`,
        `must be set exactly when push source '${name}', which reads '${batch.name}' as its batch source, sets createdTimestampField: pushed and materialized rows share one offline layout`,
      );
    }
  }
}

/** Columns every offline row has besides features: a feature may not take these names. */
export const RESERVED_COLUMNS = ['event_timestamp', 'created_timestamp'] as const;
/** The offline root's folder of feature logs (docs/monitoring.md), so no view may have its name. */
export const RESERVED_VIEW_NAME = 'logs';

/**
 * Checks what zod cannot: names unique within the bundle, references resolvable against the bundle
 * plus the catalog (a bundle is a change set), transform chains valid for their types, and feature
 * services still resolvable once the bundle is applied. Returns every problem, each with its path.
 */
export function validateBundle(bundle: Bundle, catalog: Catalog): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  checkUnique(bundle.entities, 'entities', add);
  checkUnique(bundle.sources, 'sources', add);
  checkUnique(bundle.featureViews, 'featureViews', add);
  checkUnique(bundle.featureServices, 'featureServices', add);

  const entities = new Map<string, Entity>([...catalog.entities].map(([k, v]) => [k, v.entity]));
  for (const e of bundle.entities) entities.set(e.name, resolveEntity(e));
  const sourceNames = new Set([...catalog.sources.keys(), ...bundle.sources.map((s) => s.name)]);
  checkPushSources(bundle, catalog, add);
  validateAlerts(bundle, catalog, add);
  validateMonitors(bundle, catalog, add);

  // Features of each view as they will be after the apply: the bundle's, else the catalog's latest.
  const viewFeatures = new Map<string, FeatureInput[]>();
  for (const [name, view] of catalog.featureViews) viewFeatures.set(name, latestVersion(view).definition.features);

  bundle.featureViews.forEach((view, i) => {
    const at = `featureViews[${i}]`;
    viewFeatures.set(view.name, view.features);
    // A view's files live in `<offline root>/<view>/`; `logs/` holds the feature logs.
    if (view.name === RESERVED_VIEW_NAME) add(`${at}.name`, `'${RESERVED_VIEW_NAME}' is reserved: the offline root's logs/ folder holds the feature logs`);
    const keyColumns = new Map<string, string>();
    view.entities.forEach((name, j) => {
      const entity = entities.get(name);
      if (!entity) return add(`${at}.entities[${j}]`, `entity '${name}' does not exist (define it in this bundle or apply it first)`);
      if (view.entities.indexOf(name) !== j) return add(`${at}.entities[${j}]`, `entity '${name}' is listed twice`);
      for (const key of entity.joinKeys) {
        const other = keyColumns.get(key.name);
        if (other) add(`${at}.entities[${j}]`, `join key '${key.name}' of entity '${name}' is also a join key of entity '${other}'`);
        keyColumns.set(key.name, name);
      }
    });
    if (!sourceNames.has(view.source)) add(`${at}.source`, `source '${view.source}' does not exist (define it in this bundle or apply it first)`);
    const seen = new Set<string>();
    const inputTypes = new Map<string, string>();
    view.features.forEach((feature, j) => {
      // A source column is read once per run, with one type.
      const input = feature.from ?? feature.name;
      const other = inputTypes.get(input);
      if (other && other !== feature.type) add(`${at}.features[${j}].type`, `source column '${input}' is read as ${other} by another feature of this view; read it with one type`);
      inputTypes.set(input, other ?? feature.type);
      const fat = `${at}.features[${j}]`;
      if (seen.has(feature.name)) add(`${fat}.name`, `feature '${feature.name}' is defined twice in view '${view.name}'`);
      seen.add(feature.name);
      if ((RESERVED_COLUMNS as readonly string[]).includes(feature.name)) add(`${fat}.name`, `'${feature.name}' is reserved for the offline store's timestamp column`);
      if (keyColumns.has(feature.name)) add(`${fat}.name`, `'${feature.name}' is a join key of this view; a feature cannot take its name`);
      const result = checkChain(feature.type, feature.transforms.map(stepSpec), feature.name);
      if (!result.ok) add(`${fat}.transforms[${result.step}]`, result.message);
    });
    validateExpectations(view, at, add);
  });

  const servicesToCheck = new Map<string, { features: string[]; at: (k: number) => string }>();
  for (const [name, service] of catalog.featureServices) {
    servicesToCheck.set(name, { features: service.spec.features, at: () => `featureServices(${name})` });
  }
  bundle.featureServices.forEach((service, i) => {
    servicesToCheck.set(service.name, { features: service.features, at: (k) => `featureServices[${i}].features[${k}]` });
  });
  for (const [name, service] of servicesToCheck) {
    const inBundle = bundle.featureServices.some((s) => s.name === name);
    service.features.forEach((text, k) => {
      const ref = parseFeatureRef(text);
      if (typeof ref === 'string') return add(service.at(k), ref);
      const features = viewFeatures.get(ref.view);
      if (!features) return add(service.at(k), `feature view '${ref.view}' does not exist`);
      let available = features;
      if (ref.version !== null) {
        const record = catalog.featureViews.get(ref.view);
        const version = record && findVersion(record, ref.version);
        if (!version) return add(service.at(k), `feature view '${ref.view}' has no version ${ref.version}`);
        available = version.definition.features;
      }
      if (ref.feature !== '*' && !available.some((f) => f.name === ref.feature)) {
        if (inBundle) return add(service.at(k), `feature view '${ref.view}' has no feature '${ref.feature}'`);
        // A stored service would break: blame the view in the bundle that drops the feature.
        const viewIndex = bundle.featureViews.findIndex((v) => v.name === ref.view);
        add(
          viewIndex >= 0 ? `featureViews[${viewIndex}].features` : `featureServices(${name})`,
          `feature '${ref.feature}' is used by feature service '${name}' ('${text}'); update or delete the service first`,
        );
      }
    });
  }
  return errors;
}

function checkUnique(items: { name: string }[], list: string, add: (path: string, message: string) => void): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.name)) add(`${list}[${i}].name`, `'${item.name}' is defined twice in this bundle`);
    seen.add(item.name);
  });
}
