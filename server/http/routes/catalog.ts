import { Router } from 'express';
import { notFound, validationError } from '../../errors.js';
import type { Catalog, ObjectKind } from '../../registry/catalog.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { presentEntity, presentFeatureView, presentService, presentSource, presentVersion } from '../present.js';

interface KindRoute {
  kind: ObjectKind;
  label: string;
  list: (c: Catalog) => unknown[];
  one: (c: Catalog, name: string) => unknown | undefined;
}

const KINDS: Record<string, KindRoute> = {
  entities: { kind: 'entity', label: 'entity', list: (c) => [...c.entities.values()].map(presentEntity), one: (c, n) => maybe(c.entities.get(n), presentEntity) },
  sources: { kind: 'source', label: 'source', list: (c) => [...c.sources.values()].map(presentSource), one: (c, n) => maybe(c.sources.get(n), presentSource) },
  'feature-views': {
    kind: 'featureView',
    label: 'feature view',
    list: (c) => [...c.featureViews.values()].map(presentFeatureView),
    one: (c, n) => maybe(c.featureViews.get(n), presentFeatureView),
  },
  'feature-services': {
    kind: 'featureService',
    label: 'feature service',
    list: (c) => [...c.featureServices.values()].map(presentService),
    one: (c, n) => maybe(c.featureServices.get(n), presentService),
  },
};

function maybe<T, R>(value: T | undefined, present: (v: T) => R): R | undefined {
  return value === undefined ? undefined : present(value);
}

export interface CatalogRouteDeps {
  catalog: CatalogCache;
  /** Deletes an object and what belongs to it in every store. */
  deleteService: { delete(kind: ObjectKind, name: string): Promise<void> };
  /** Extra fields for a version's detail (its snapshots), added by the pipelines layer. */
  versionDetail?: (view: string, version: number) => Promise<Record<string, unknown>>;
}

/** `GET` lists and details of every kind, one version of a view, and `DELETE` of one object. */
export function catalogRoutes(deps: CatalogRouteDeps): Router {
  const router = Router();
  for (const [segment, route] of Object.entries(KINDS)) {
    router.get(`/api/v1/${segment}`, async (_req, res) => {
      res.json({ [segment.replace(/-(.)/g, (_, c: string) => c.toUpperCase())]: route.list(await deps.catalog.get()) });
    });
    router.get(`/api/v1/${segment}/:name`, async (req, res) => {
      const found = route.one(await deps.catalog.get(), req.params.name);
      if (found === undefined) throw notFound(route.label, req.params.name, 'name');
      res.json(found);
    });
    router.delete(`/api/v1/${segment}/:name`, async (req, res) => {
      await deps.deleteService.delete(route.kind, req.params.name);
      res.status(204).end();
    });
  }
  router.get('/api/v1/feature-views/:name/versions/:version', async (req, res) => {
    const view = (await deps.catalog.get()).featureViews.get(req.params.name);
    if (!view) throw notFound('feature view', req.params.name, 'name');
    if (!/^[1-9][0-9]{0,8}$/.test(req.params.version))
      throw validationError('the version must be a positive integer', [{ path: 'version', message: `'${req.params.version}' is not a positive integer` }]);
    const version = view.versions.find((v) => v.version === Number(req.params.version));
    if (!version) throw notFound(`version of feature view '${view.name}'`, req.params.version, 'version');
    res.json(presentVersion(version, deps.versionDetail ? await deps.versionDetail(view.name, version.version) : {}));
  });
  return router;
}
