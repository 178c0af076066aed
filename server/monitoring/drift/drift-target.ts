import { notFound, validationError } from '../../errors.js';
import type { FeatureType } from '../../domain/value-type.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { findVersion } from '../../registry/catalog.js';
import { outputSchema } from '../../registry/output-schema.js';

export interface DriftFeature {
  name: string;
  kind: 'numeric' | 'categorical';
}

/** What a drift report compares: a view version's output columns. */
export interface DriftTarget {
  view: string;
  version: number;
  features: DriftFeature[];
}

const kindOf = (type: FeatureType): DriftFeature['kind'] => (type === 'float64' || type === 'int64' ? 'numeric' : 'categorical');

/** The view version and the features asked for (all its output columns by default); unknown names are a 400 naming `features[i]`. */
export async function driftTarget(catalog: CatalogCache, request: { featureView: string; version?: number; features?: string[] }, at = ''): Promise<DriftTarget> {
  const view = (await catalog.get()).featureViews.get(request.featureView);
  if (!view) throw notFound('feature view', request.featureView, `${at}featureView`);
  const version = findVersion(view, request.version ?? null);
  if (!version) throw notFound(`version of '${view.name}'`, request.version ?? 0, `${at}version`);
  const columns = outputSchema(version.definition, version.fittedState);
  if (columns === null)
    throw validationError(`'${view.name}' version ${version.version} has never been materialized: its columns are not known yet`, [{ path: `${at}featureView`, message: 'not materialized yet' }]);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const names = request.features ?? columns.map((c) => c.name);
  const features = names.map((name, i) => {
    // Asked twice, a feature would count twice in the drifted share.
    if (names.indexOf(name) !== i) throw validationError(`'${name}' is asked for twice`, [{ path: `${at}features[${i}]`, message: `'${name}' is already features[${names.indexOf(name)}]` }]);
    const column = byName.get(name);
    if (!column)
      throw validationError(`'${view.name}' version ${version.version} has no column '${name}'`, [{ path: `${at}features[${i}]`, message: `not a column of ${view.name}@${version.version}` }]);
    return { name, kind: kindOf(column.type) };
  });
  return { view: view.name, version: version.version, features };
}
