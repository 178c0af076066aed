import { every, named, needs } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { notFound } from '../../errors.js';
import type { Catalog, ObjectKind } from '../../registry/catalog.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { alertRuleAnswer, entityAnswer, featureViewAnswer, serviceAnswer, sourceAnswer, versionAnswer, webhookAnswer } from '../openapi/answers.js';
import { defineRoutes, type RouteDoc } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';
import { presentEntity, presentFeatureView, presentService, presentSource, presentSpec, presentVersion } from '../present.js';

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
  'alert-rules': { kind: 'alert', label: 'alert rule', list: (c) => [...c.alerts.values()].map(presentSpec), one: (c, n) => maybe(c.alerts.get(n), presentSpec) },
  webhooks: { kind: 'webhook', label: 'webhook', list: (c) => [...c.webhooks.values()].map(presentSpec), one: (c, n) => maybe(c.webhooks.get(n), presentSpec) },
};

function maybe<T, R>(value: T | undefined, present: (v: T) => R): R | undefined {
  return value === undefined ? undefined : present(value);
}

const nameParam = z.object({ name: z.string() });
const TYPES = { entities: 'entity', sources: 'source', 'feature-views': 'feature_view', 'feature-services': 'feature_service', 'alert-rules': 'alert_rule', webhooks: 'webhook' } as const;
const ANSWERS = { entities: entityAnswer, sources: sourceAnswer, 'feature-views': featureViewAnswer, 'feature-services': serviceAnswer, 'alert-rules': alertRuleAnswer, webhooks: webhookAnswer };

/** Three routes per kind: the list, one object, and its removal. */
function kindRoutes(segment: keyof typeof KINDS & keyof typeof ANSWERS) {
  const label = KINDS[segment].label;
  const key = segment.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
  return {
    [`list_${segment}`]: {
      method: 'get',
      path: `/api/v1/${segment}`,
      auth: needs('DESCRIBE', every(TYPES[segment])),
      tag: 'definitions',
      summary: `Every ${label}`,
      responses: { 200: { description: `{${key}: [...]}`, schema: z.object({ [key]: z.array(ANSWERS[segment]) }) } },
      problems: [],
    },
    [`get_${segment}`]: {
      method: 'get',
      path: `/api/v1/${segment}/:name`,
      auth: needs('DESCRIBE', named(TYPES[segment])),
      tag: 'definitions',
      summary: `One ${label}`,
      params: nameParam,
      responses: { 200: { description: `the ${label}`, schema: ANSWERS[segment] } },
      problems: [404],
    },
    [`delete_${segment}`]: {
      method: 'delete',
      path: `/api/v1/${segment}/:name`,
      auth: needs('DELETE', named(TYPES[segment])),
      tag: 'definitions',
      summary: `Remove a ${label} (refused while something references it)`,
      params: nameParam,
      responses: { 204: { description: 'removed' } },
      problems: [404, 409],
    },
  } satisfies Record<string, RouteDoc>;
}

export const CATALOG_ROUTES = defineRoutes({
  ...kindRoutes('entities'),
  ...kindRoutes('sources'),
  ...kindRoutes('feature-views'),
  ...kindRoutes('feature-services'),
  ...kindRoutes('alert-rules'),
  ...kindRoutes('webhooks'),
  version: {
    method: 'get',
    path: '/api/v1/feature-views/:name/versions/:version',
    auth: needs('DESCRIBE', named('feature_view')),
    tag: 'definitions',
    summary: 'One version of a feature view: definition, fitted state, output schema, snapshots',
    params: z.object({
      name: z.string(),
      version: z
        .string()
        .regex(/^[1-9][0-9]{0,8}$/, 'the version must be a positive integer')
        .describe('1, 2, ...'),
    }),
    responses: { 200: { description: 'the version', schema: versionAnswer } },
    problems: [400, 404],
  },
});

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
      res.json({ [segment.replace(/-(.)/g, (_, c: string) => c.toUpperCase())]: route.list(await deps.catalog.latest()) });
    });
    router.get(`/api/v1/${segment}/:name`, async (req, res) => {
      const { name } = parseInput(nameParam, req.params);
      const found = route.one(await deps.catalog.latest(), name);
      if (found === undefined) throw notFound(route.label, name, 'name');
      res.json(found);
    });
    router.delete(`/api/v1/${segment}/:name`, async (req, res) => {
      const { name } = parseInput(nameParam, req.params);
      await deps.deleteService.delete(route.kind, name);
      res.status(204).end();
    });
  }
  router.get(CATALOG_ROUTES.version.path, async (req, res) => {
    const name = String(req.params.name);
    const view = (await deps.catalog.latest()).featureViews.get(name);
    if (!view) throw notFound('feature view', name, 'name');
    const params = parseInput(CATALOG_ROUTES.version.params, req.params);
    const version = view.versions.find((v) => v.version === Number(params.version));
    if (!version) throw notFound(`version of feature view '${view.name}'`, params.version, 'version');
    res.json(presentVersion(version, deps.versionDetail ? await deps.versionDetail(view.name, version.version) : {}));
  });
  return router;
}
