import { parseFeatureRef } from '../domain/feature-ref.js';
import type { FeatureType, KeyType } from '../domain/value-type.js';
import { TesseraError, type FieldError, conflict, validationError } from '../errors.js';
import type { FeatureViewVersion } from '../domain/feature-view-version.js';
import type { Catalog, FeatureViewRecord } from '../registry/catalog.js';
import { outputSchema } from '../registry/output-schema.js';

/** One requested column of a view version. */
export interface ResolvedColumn {
  /** Column name in the stores (`conv_rate`, `car_type__suv`). */
  column: string;
  /** Name in the answer: the column, or `view__column` with full feature names. */
  outputName: string;
  type: FeatureType;
}

/** A join key; `entity` names its entity when that entity has this one key (requests may use either name). */
export interface ResolvedKey {
  name: string;
  type: KeyType;
  entity?: string;
}

/** A view version a request reads, with the columns it wants from it. */
export interface ResolvedView {
  view: FeatureViewRecord;
  version: FeatureViewVersion;
  keys: ResolvedKey[];
  /** Seconds; 0 = no limit. */
  ttl: number;
  columns: ResolvedColumn[];
}

/**
 * A one-hot feature answered as one list-valued column (`answer: list`): the `count` entries of `order`
 * from `at` (its category columns, in fitted category order) make one answer column called `name`.
 */
export interface ResolvedList {
  name: string;
  view: number;
  at: number;
  count: number;
}

export interface ResolvedFeatures {
  views: ResolvedView[];
  /**
   * Every stored column read, in request order: which view (index into `views`) and which of its columns.
   * A list-answered feature's category columns are here too, one after another (see `lists`).
   */
  order: { view: number; column: number }[];
  /** The list-answered features, in `at` order; answers replace their `order` entries with one column each. */
  lists: ResolvedList[];
  /** The join keys the request must carry: the union over the views, in first-seen order. */
  keys: ResolvedKey[];
}

export interface FeatureRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames: boolean;
}

/**
 * Turns feature references (or a feature service) into view versions and columns, as both the online
 * and the historical paths need: `view:feature`, `view@N:feature`, `view:*`; a one-hot feature's base
 * name expands to all its columns, and a single one-hot column may be named too. Errors name the
 * offending reference (`features[2]`). Pure over the cached catalog.
 */
export function resolveFeatures(catalog: Catalog, request: FeatureRequest): ResolvedFeatures {
  let refs: string[];
  let pathOf: (i: number) => string;
  if (request.features !== undefined && request.featureService !== undefined) {
    throw validationError('give either features or feature_service, not both', [{ path: 'feature_service', message: 'not allowed together with features' }]);
  }
  if (request.featureService !== undefined) {
    const service = catalog.featureServices.get(request.featureService);
    if (!service) throw new TesseraError('not_found', `feature service '${request.featureService}' does not exist`, [{ path: 'feature_service', message: 'unknown feature service' }]);
    refs = service.spec.features;
    pathOf = () => 'feature_service';
  } else if (request.features !== undefined) {
    refs = request.features;
    pathOf = (i) => `features[${i}]`;
  } else {
    throw validationError('features or feature_service is required', [{ path: 'features', message: 'required' }]);
  }
  if (refs.length === 0) throw validationError('no features were asked for', [{ path: 'features', message: 'must not be empty' }]);

  const views: ResolvedView[] = [];
  const order: ResolvedFeatures['order'] = [];
  const seen = new Set<string>();
  const names = new Map<string, string>();
  const lists: ResolvedList[] = [];
  const errors: FieldError[] = [];
  refs.forEach((text, i) => {
    const ref = parseFeatureRef(text);
    if (typeof ref === 'string') return errors.push({ path: pathOf(i), message: ref });
    const view = catalog.featureViews.get(ref.view);
    if (!view) return errors.push({ path: pathOf(i), message: `feature view '${ref.view}' does not exist` });
    const version = ref.version === null ? view.versions[view.versions.length - 1] : view.versions.find((v) => v.version === ref.version);
    if (!version) return errors.push({ path: pathOf(i), message: `feature view '${ref.view}' has no version ${ref.version}` });
    const schema = outputSchema(version.definition, version.fittedState);
    const columns = columnsFor(ref.feature, version, schema);
    if (typeof columns === 'string') return errors.push({ path: pathOf(i), message: columns });
    if (columns === null) {
      throw conflict(`feature '${text}' is one-hot encoded and version ${version.version} of '${view.name}' has not been materialized yet, so its columns are not known`, [
        { path: pathOf(i), message: 'not materialized yet' },
      ]);
    }
    let index = views.findIndex((v) => v.view.name === view.name && v.version.version === version.version);
    if (index < 0) {
      index = views.push({ view, version, keys: keysOf(version), ttl: view.metadata.ttl, columns: [] }) - 1;
    }
    const claim = (outputName: string): boolean => {
      const clash = names.get(outputName);
      if (clash) {
        errors.push({ path: pathOf(i), message: `'${outputName}' is also the name of ${clash}; ask with full_feature_names to tell them apart` });
        return false;
      }
      names.set(outputName, `'${text}'`);
      return true;
    };
    const push = (c: { name: string; type: FeatureType }, outputName: string) => {
      order.push({ view: index, column: views[index].columns.push({ column: c.name, outputName, type: c.type }) - 1 });
    };
    for (const item of answerItems(ref.feature, version, columns, new Set(view.metadata.listAnswers ?? []))) {
      if (typeof item === 'string') {
        errors.push({ path: pathOf(i), message: item });
        continue;
      }
      const key = `${view.name}@${version.version}:${item.list ? `${item.feature}[]` : item.columns[0].name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const outputName = request.fullFeatureNames ? `${view.name}__${item.list ? item.feature : item.columns[0].name}` : item.list ? item.feature : item.columns[0].name;
      if (!claim(outputName)) continue;
      if (item.list) lists.push({ name: outputName, view: index, at: order.length, count: item.columns.length });
      // A list's category columns answer under their own names nowhere: their outputName is the column's.
      for (const c of item.columns) push(c, item.list ? c.name : outputName);
    }
  });
  if (errors.length) {
    const notFound = errors.every((e) => /does not exist|has no/.test(e.message));
    throw new TesseraError(notFound ? 'not_found' : 'validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  const keys: ResolvedFeatures['keys'] = [];
  for (const v of views) for (const k of v.keys) if (!keys.some((x) => x.name === k.name)) keys.push(k);
  return { views, order, lists, keys };
}

function keysOf(version: FeatureViewVersion): ResolvedKey[] {
  return version.definition.entities.flatMap((e) => (e.joinKeys.length === 1 && e.joinKeys[0].name !== e.name ? [{ ...e.joinKeys[0], entity: e.name }] : e.joinKeys));
}

type SchemaColumn = { name: string; type: FeatureType; feature: string };

/**
 * What one reference answers: single columns, or for a list-answered one-hot feature its category
 * columns as one list (even none, when no category was fitted). Naming one category column of a
 * list-answered feature is refused (a string): the feature answers as a whole.
 */
type AnswerItem = { list: boolean; feature: string; columns: SchemaColumn[] };

function answerItems(feature: string, version: FeatureViewVersion, columns: SchemaColumn[], lists: Set<string>): (AnswerItem | string)[] {
  const bases = feature === '*' ? version.definition.features.map((f) => f.name) : version.definition.features.some((f) => f.name === feature) ? [feature] : null;
  if (bases === null) {
    const c = columns[0];
    if (lists.has(c.feature)) return [`'${c.name}' is a category column of '${c.feature}', which answers as one list column (encode answer: list); ask for '${c.feature}'`];
    return [{ list: false, feature: c.feature, columns: [c] }];
  }
  return bases.flatMap((base): AnswerItem[] => {
    const own = columns.filter((c) => c.feature === base);
    if (lists.has(base)) return [{ list: true, feature: base, columns: own }];
    return own.map((c) => ({ list: false, feature: base, columns: [c] }));
  });
}

function columnsFor(feature: string, version: FeatureViewVersion, schema: SchemaColumn[] | null): SchemaColumn[] | string | null {
  const features = version.definition.features;
  if (feature === '*') return schema;
  const base = features.find((f) => f.name === feature);
  if (base) {
    if (schema) return schema.filter((c) => c.feature === feature);
    // Unfitted: a one-hot feature's columns are unknown; any other feature's column is known.
    if (base.transforms.some((t) => t.encode?.method === 'onehot')) return null;
    return [{ name: feature, type: outputTypeOf(version, feature), feature }];
  }
  const single = schema?.find((c) => c.name === feature);
  if (single) return [single];
  return `feature view '${version.view}' (version ${version.version}) has no feature '${feature}'`;
}

/** The output type of a feature whose chain has no one-hot step (known without fitted state). */
function outputTypeOf(version: FeatureViewVersion, feature: string): FeatureType {
  const schema = outputSchema({ ...version.definition, features: version.definition.features.filter((f) => f.name === feature) }, null);
  return schema![0].type;
}
