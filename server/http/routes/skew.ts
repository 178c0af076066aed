import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { skewRequestSchema } from '../../skew/skew-request.js';
import type { SkewService } from '../../skew/skew-service.js';
import { parsedBody } from '../body.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';

const summary = {
  total: z.number().int(),
  bothNull: z.number().int(),
  onlyOnlineNull: z.number().int(),
  onlyOfflineNull: z.number().int(),
  mismatch: z.number().int().describe('both present and different'),
  mismatchRate: z.number().describe('(onlyOnlineNull + onlyOfflineNull + mismatch) / total'),
  smape: z.number().nullable().describe('mean of 2|a-b|/(|a|+|b|) over pairs where both are numbers'),
};

const skewAnswer = z
  .object({
    featureService: z.string(),
    start: z.string().nullable(),
    end: z.string(),
    rows: z.number().int(),
    skippedRows: z.number().int(),
    features: z.array(z.object({ feature: z.string(), ...summary, hours: z.array(z.object({ hour: z.string(), ...summary })) })),
  })
  .meta({ id: 'SkewReport' });

export const SKEW_ROUTES = defineRoutes({
  report: {
    method: 'post',
    path: '/api/v1/skew',
    auth: ROUTE_NEEDS.skew,
    tag: 'monitoring',
    summary: "Training-serving skew of a feature service's logged traffic",
    description:
      'Replays the logged entity keys and request times through point-in-time retrieval and compares each feature served online with the offline value: both null, only online null, only offline null, mismatch, total, mean SMAPE; per feature and per hour.',
    body: { required: true, description: 'the feature service and the request times to compare', schema: skewRequestSchema },
    responses: { 200: { description: 'the report', schema: skewAnswer } },
    problems: [400, 404, 413, 415],
  },
});

/** `POST /api/v1/skew`: a skew report over a feature service's feature log. */
export function skewRoutes(deps: { skew: SkewService; bodyLimit: number }): Router {
  const router = Router();
  router.post(SKEW_ROUTES.report.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    res.json(await deps.skew.report(parseInput(SKEW_ROUTES.report.body.schema, req.body)));
  });
  return router;
}
