import { OPEN, needs, project } from '../../auth/route-auth.js';
import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { parseBundle } from '../../definitions/parse-bundle.js';
import { type Bundle, bundleJsonSchema, bundleSchema } from '../../domain/bundle.js';
import { formatTimestamp } from '../../domain/time.js';
import type { ApplyResult, ApplyService } from '../../registry/apply-service.js';
import type { CatalogStore } from '../../registry/catalog-store.js';
import { parsedBody } from '../body.js';
import { applyAnswer, applyHistoryAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { MAX_YAML_CHARS } from '../yaml-body.js';
import { parseInput, queryBool } from '../validate.js';

export interface ApplyRouteDeps {
  applyService: ApplyService;
  catalogStore: CatalogStore;
  bodyLimit: number;
}

export const APPLY_ROUTES = defineRoutes({
  apply: {
    method: 'post',
    path: '/api/v1/apply',
    auth: ROUTE_NEEDS.apply,
    tag: 'definitions',
    summary: 'Apply a bundle of definitions (or plan it with dry_run)',
    description: 'A change set: what the bundle names is created or updated, what it leaves out is untouched. A changed source, entity, feature, type or transform makes a new version of a view.',
    query: z.strictObject({ dry_run: queryBool }),
    body: {
      required: true,
      description: `a bundle: entities, sources, featureViews, featureServices (JSON, or YAML up to ${MAX_YAML_CHARS / 1024} KiB)`,
      schema: bundleSchema,
      sameShape: ['application/yaml'],
    },
    responses: { 200: { description: 'what was (or would be) created, updated and versioned', schema: applyAnswer } },
    problems: [400, 409, 413, 415],
  },
  history: {
    method: 'get',
    path: '/api/v1/apply-history',
    auth: needs('DESCRIBE', project('apply_history')),
    tag: 'definitions',
    summary: 'The last 100 applies with their changes',
    responses: { 200: { description: 'the applies, newest first', schema: applyHistoryAnswer } },
    problems: [],
  },
  schema: {
    method: 'get',
    path: '/api/v1/schema',
    auth: OPEN,
    tag: 'definitions',
    summary: "The bundle's JSON Schema, for editors",
    responses: { 200: { description: 'JSON Schema 2020-12', mediaTypes: ['application/schema+json'] } },
    problems: [],
  },
});

/** `POST /api/v1/apply` (JSON or YAML; `?dry_run=true` plans only), the apply history, the JSON Schema. */
export function applyRoutes(deps: ApplyRouteDeps): Router {
  const router = Router();
  router.post(APPLY_ROUTES.apply.path, ...parsedBody(deps.bodyLimit, { allowYaml: true }), async (req, res) => {
    const { dry_run: dryRun } = parseInput(APPLY_ROUTES.apply.query, req.query, '(query) ');
    const bundle = parseBundle(req.body);
    const result = await deps.applyService.apply(bundle, { dryRun, actor: `http ${req.id}` });
    res.locals.auditDetail = applyAuditDetail(result, bundle);
    res.json(result);
  });
  router.get(APPLY_ROUTES.history.path, async (_req, res) => {
    const history = await deps.catalogStore.applyHistory(100);
    res.json({ applies: history.map((h) => ({ ...h, appliedAt: formatTimestamp(h.appliedAt) })) });
  });
  const schema = bundleJsonSchema();
  router.get(APPLY_ROUTES.schema.path, (_req, res) => {
    res.type('application/schema+json').send(JSON.stringify(schema));
  });
  return router;
}

/** What the audit log keeps of an apply: counts, and the permission names when it replaced them. */
function applyAuditDetail(result: ApplyResult, bundle: Bundle): string {
  const counts = `created=${result.created.length} updated=${result.updated.length}${result.dryRun ? ' dry_run' : ''}`;
  if (bundle.permissions === undefined) return counts;
  return `${counts} permissions=${bundle.permissions.length}${bundle.permissions.length ? ` (${bundle.permissions.map((p) => p.name).join(', ')})` : ''}`;
}
