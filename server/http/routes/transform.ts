import { named, needs } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import type { RunStore } from '../../registry/run-store.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { transformRows } from '../../serving/transform-service.js';
import { parsedBody } from '../body.js';
import { transformAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';
import { transformBodySchema } from '../transform-schema.js';

export const TRANSFORM_ROUTES = defineRoutes({
  transform: {
    method: 'post',
    path: '/api/v1/feature-views/:name/transform',
    auth: needs('DESCRIBE', named('feature_view')),
    tag: 'online',
    summary: "Raw values through a version's frozen transforms",
    params: z.object({ name: z.string() }),
    body: {
      required: true,
      description: 'raw rows, by source column',
      schema: transformBodySchema,
    },
    responses: { 200: { description: 'the rows as the pipeline would write them', schema: transformAnswer } },
    problems: [400, 404, 409, 413, 415, 422],
  },
});

/** `POST /api/v1/feature-views/{name}/transform`: a version's frozen transforms applied to raw rows. */
export function transformRoutes(deps: { catalog: CatalogCache; runs: RunStore; bodyLimit: number; maxRows: number }): Router {
  const router = Router();
  const route = TRANSFORM_ROUTES.transform;
  router.post(route.path, ...parsedBody(deps.bodyLimit, { exactIntegers: true }), async (req, res) => {
    const { name } = parseInput(route.params, req.params);
    const body = parseInput(route.body.schema, req.body);
    res.json(await transformRows(await deps.catalog.get(), deps.runs, name, body, deps.maxRows));
  });
  return router;
}
