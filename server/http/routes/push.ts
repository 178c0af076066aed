import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import { pushAnswer, pushRequestSchema, writeToOnlineStoreSchema } from '../../push/push-request.js';
import type { PushService } from '../../push/push-service.js';
import { FEAST_BODY, parsedBody } from '../body.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';

export const PUSH_ROUTES = defineRoutes({
  push: {
    method: 'post',
    path: '/push',
    feastIgnoresQuery: true,
    auth: ROUTE_NEEDS.push,
    tag: 'online',
    summary: "Rows of a push source, to the online and/or offline store (Feast's feature server endpoint)",
    description:
      "Every feature view whose source is the push source receives the rows, through its latest version's frozen transforms. Offline rows are group-committed (at most one snapshot per view per TESSERA_PUSH_COMMIT_MS) and the answer comes once they are committed; the online store keeps the newer row per key (event time, then created time). 409 when a view with transforms has not been fitted yet; 422 for an unknown push source, as Feast answers.",
    body: { required: true, description: "Feast's PushFeaturesRequest", schema: pushRequestSchema },
    responses: { 200: { description: 'written (Feast answers 200 with an empty body)', schema: pushAnswer } },
    problems: [400, 404, 409, 413, 415, 422],
  },
  writeToOnlineStore: {
    method: 'post',
    path: '/write-to-online-store',
    feastIgnoresQuery: true,
    auth: ROUTE_NEEDS.writeToOnlineStore,
    tag: 'online',
    summary: "Rows of one feature view, to the online store (Feast's remote online store's online_write_batch)",
    body: { required: true, description: "Feast's WriteToFeatureStoreRequest: df with the join keys, the features, event_timestamp and created", schema: writeToOnlineStoreSchema },
    responses: { 200: { description: 'written', schema: pushAnswer } },
    problems: [400, 404, 409, 413, 415, 422],
  },
});

/** Feast's write endpoints: `POST /push` and `POST /write-to-online-store`. */
export function pushRoutes(deps: { push: PushService; bodyLimit: number }): Router {
  const router = Router();
  router.post(PUSH_ROUTES.push.path, ...parsedBody(deps.bodyLimit, FEAST_BODY), async (req, res) => {
    res.json(await deps.push.push(parseInput(PUSH_ROUTES.push.body.schema, req.body)));
  });
  router.post(PUSH_ROUTES.writeToOnlineStore.path, ...parsedBody(deps.bodyLimit, FEAST_BODY), async (req, res) => {
    res.json(await deps.push.writeToOnlineStore(parseInput(PUSH_ROUTES.writeToOnlineStore.body.schema, req.body)));
  });
  return router;
}
