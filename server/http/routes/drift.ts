import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { driftMethodSchema } from '../../monitoring/drift/drift-method.js';
import { driftRequestSchema } from '../../monitoring/drift/drift-spec.js';
import type { DriftService } from '../../monitoring/drift/drift-service.js';
import { parsedBody } from '../body.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';

export const featureDriftAnswer = z.object({
  feature: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  method: driftMethodSchema,
  statistic: z.number().nullable().describe('the score (psi, wasserstein, jensen_shannon) or test statistic (ks, chi_square, z_test); null when a side has no values'),
  pValue: z.number().nullable().optional().describe('tests only: drift when below the threshold'),
  threshold: z.number(),
  drifted: z.boolean(),
  referenceRows: z.number().int().describe('non-null values'),
  detectionRows: z.number().int(),
  referenceNulls: z.number().int(),
  detectionNulls: z.number().int(),
  distinctValues: z.number().int(),
});

export const driftReportAnswer = z
  .object({
    featureView: z.string(),
    version: z.number().int(),
    reference: z.object({ description: z.string() }),
    detection: z.object({ description: z.string() }),
    features: z.array(featureDriftAnswer),
    driftedFeatures: z.number().int(),
    share: z.number(),
    driftShare: z.number(),
    datasetDrift: z.boolean(),
    computedAt: z.string(),
  })
  .meta({ id: 'DriftReport' });

export const DRIFT_ROUTES = defineRoutes({
  report: {
    method: 'post',
    path: '/api/v1/drift',
    auth: ROUTE_NEEDS.drift,
    tag: 'monitoring',
    summary: 'Drift of a feature view between a reference and a detection sample',
    description:
      "Compares, per feature, a detection sample (snapshots, an event-time window, a training dataset or a feature service's logged traffic) with a reference, exactly in DuckDB over the Parquet files: KS, normed Wasserstein, PSI on the reference's deciles, Jensen-Shannon, chi-square or a z-test, chosen as Evidently's preset does unless asked; the dataset drifts when at least `driftShare` of its features do.",
    body: { required: true, description: 'the view, the two samples, and optional features, methods and thresholds', schema: driftRequestSchema },
    responses: { 200: { description: 'the report', schema: driftReportAnswer } },
    problems: [400, 404, 413, 415],
  },
});

/** `POST /api/v1/drift`: an ad hoc drift report. */
export function driftRoutes(deps: { drift: DriftService; bodyLimit: number }): Router {
  const router = Router();
  router.post(DRIFT_ROUTES.report.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    res.json(await deps.drift.report(parseInput(DRIFT_ROUTES.report.body.schema, req.body)));
  });
  return router;
}
