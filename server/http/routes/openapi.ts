import { OPEN } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { defineRoutes, type RouteDoc } from '../openapi/route-doc.js';

export const OPENAPI_ROUTES = defineRoutes({
  openapi: {
    method: 'get',
    path: '/api/v1/openapi.json',
    auth: OPEN,
    tag: 'operations',
    summary: 'This document: OpenAPI 3.1 of the whole HTTP API',
    responses: { 200: { description: 'the OpenAPI document', schema: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }) } },
    problems: [],
  } satisfies RouteDoc,
});

/** `GET /api/v1/openapi.json`: the document, built once per app from the route tables. */
export function openApiRoutes(document: () => Record<string, unknown>): Router {
  const router = Router();
  let text: string | null = null;
  router.get(OPENAPI_ROUTES.openapi.path, (_req, res) => {
    text ??= JSON.stringify(document());
    res.type('application/json').send(text);
  });
  return router;
}
