import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { formatTimestamp } from '../../domain/time.js';
import type { FreshnessService } from '../../monitoring/freshness.js';
import { defineRoutes } from '../openapi/route-doc.js';

const freshnessAnswer = z
  .object({
    checkedAt: z.string(),
    stale: z.number().int().describe('how many views are stale'),
    views: z.array(
      z.object({
        featureView: z.string(),
        version: z.number().int().describe('the latest version, the one measured'),
        latestEventTime: z.string().nullable().describe('latest committed event time; null: nothing committed'),
        dataAgeSeconds: z.number().nullable(),
        lastSuccessAt: z.string().nullable().describe('when the last successful run (compactions aside) finished'),
        lastSuccessAgeSeconds: z.number().nullable(),
        staleAfterSeconds: z.number().nullable().describe("freshness.staleAfter, else twice the schedule's interval; null: no limit"),
        stale: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Freshness' });

export const FRESHNESS_ROUTES = defineRoutes({
  freshness: {
    method: 'get',
    path: '/api/v1/freshness',
    auth: needs('DESCRIBE', project('freshness')),
    tag: 'monitoring',
    summary: 'How fresh each feature view is',
    description:
      'Per view: now minus the latest committed event time of its latest version, the age of its last successful run, and whether it is stale (data older than `freshness.staleAfter`, by default twice the schedule interval; never committed is stale).',
    responses: { 200: { description: 'every view, by name', schema: freshnessAnswer } },
    problems: [],
  },
});

/** `GET /api/v1/freshness`. */
export function freshnessRoutes(deps: { freshness: FreshnessService; now: () => number }): Router {
  const router = Router();
  router.get(FRESHNESS_ROUTES.freshness.path, async (_req, res) => {
    const checkedAt = deps.now();
    const views = await deps.freshness.views();
    const iso = (ms: number | null) => (ms === null ? null : formatTimestamp(ms));
    const answer: z.output<typeof freshnessAnswer> = {
      checkedAt: formatTimestamp(checkedAt),
      stale: views.filter((v) => v.stale).length,
      views: views.map((v) => ({ ...v, latestEventTime: iso(v.latestEventTime), lastSuccessAt: iso(v.lastSuccessAt) })),
    };
    res.json(answer);
  });
  return router;
}
