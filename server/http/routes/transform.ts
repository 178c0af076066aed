import { Router } from 'express';
import { z } from 'zod';
import type { RunStore } from '../../registry/run-store.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { transformRows } from '../../serving/transform-service.js';
import { parsedBody } from '../body.js';
import { parseInput } from '../validate.js';

const transformBody = z.strictObject({
  rows: z.array(z.record(z.string(), z.unknown())),
  version: z.number().int().positive().optional(),
});

/** `POST /api/v1/feature-views/{name}/transform`: a version's frozen transforms applied to raw rows. */
export function transformRoutes(deps: { catalog: CatalogCache; runs: RunStore; bodyLimit: number; maxRows: number }): Router {
  const router = Router();
  router.post('/api/v1/feature-views/:name/transform', ...parsedBody(deps.bodyLimit), async (req, res) => {
    const body = parseInput(transformBody, req.body);
    res.json(await transformRows(await deps.catalog.get(), deps.runs, String(req.params.name), body, deps.maxRows));
  });
  return router;
}
