import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import type { OnlineService } from '../../serving/online-service.js';
import { onlineRequestSchema } from '../../serving/online-request.js';
import { FEAST_BODY, parsedBody } from '../body.js';
import { onlineAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';

export const ONLINE_ROUTES = defineRoutes({
  online: {
    method: 'post',
    path: '/get-online-features',
    feastIgnoresQuery: true,
    auth: ROUTE_NEEDS.online,
    tag: 'online',
    summary: "The latest features per entity row (Feast's feature server endpoint)",
    description: 'Statuses per value: PRESENT, NULL_VALUE, NOT_FOUND, OUTSIDE_MAX_AGE (older than the ttl; the value is still returned). Entity key columns come first.',
    body: { required: true, description: "Feast's request: features or feature_service, and entities as columns", schema: onlineRequestSchema },
    responses: { 200: { description: "Feast's column-major answer", schema: onlineAnswer } },
    problems: [400, 404, 413, 415],
  },
});

/** `POST /get-online-features`: Feast's feature server endpoint, same request and answer. */
export function onlineRoutes(deps: { online: OnlineService; bodyLimit: number }): Router {
  const router = Router();
  router.post(ONLINE_ROUTES.online.path, ...parsedBody(deps.bodyLimit, FEAST_BODY), async (req, res) => {
    res.type('application/json').send(await deps.online.getJson(req.body, req.id));
  });
  return router;
}
