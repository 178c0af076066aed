import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { formatTimestamp } from '../../domain/time.js';
import { notFound } from '../../errors.js';
import type { RunStore } from '../../registry/run-store.js';
import { emptyReport } from '../../validation/validation-report.js';
import type { ValidationStore } from '../../validation/validation-store.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const validationAnswer = z
  .object({
    runId: z.number().int(),
    featureView: z.string(),
    version: z.number().int(),
    policy: z.enum(['strict', 'warn']),
    passed: z.boolean(),
    rows: z.number().int().describe('typed source rows checked'),
    checkedAt: z.string(),
    expectations: z.array(
      z.object({
        expectation: z.enum(['notNull', 'maxNullFraction', 'min', 'max', 'allowedValues', 'regex', 'rowCount', 'uniqueKeys', 'maxLag']),
        feature: z.string().nullable(),
        column: z.string().nullable(),
        observed: z.number().nullable(),
        threshold: z.union([z.number(), z.string(), z.array(scalar), z.object({ min: z.number().nullable(), max: z.number().nullable() })]),
        passed: z.boolean(),
        failingCount: z.number().int(),
        failingRows: z.array(z.object({ row: z.number().int(), values: z.record(z.string(), scalar.nullable()) })),
      }),
    ),
  })
  .meta({ id: 'ValidationReport' });

export const VALIDATION_ROUTES = defineRoutes({
  report: {
    method: 'get',
    path: '/api/v1/runs/:id/validation',
    auth: needs('DESCRIBE', project('runs')),
    tag: 'monitoring',
    summary: "A run's validation report",
    description:
      "Each expectation of the run's view checked on the source rows it read, before transforms: observed value, threshold, passed, and the first failing rows. A run of a view without expectations has an empty report.",
    params: z.object({ id: z.string().describe('decimal digits') }),
    responses: { 200: { description: 'the report', schema: validationAnswer } },
    problems: [404],
  },
});

/** `GET /api/v1/runs/{id}/validation`. */
export function validationRoutes(deps: { runs: RunStore; validation: ValidationStore }): Router {
  const router = Router();
  router.get(VALIDATION_ROUTES.report.path, async (req, res) => {
    const { id: text } = parseInput(VALIDATION_ROUTES.report.params, req.params);
    // Decimal digits only, as GET /api/v1/runs/{id}.
    const id = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : 0;
    const run = id > 0 ? await deps.runs.get(id) : null;
    if (!run) throw notFound('run', text, 'id');
    const report = (await deps.validation.get(id)) ?? emptyReport(run);
    const answer: z.output<typeof validationAnswer> = { ...report, checkedAt: formatTimestamp(report.checkedAt) };
    res.json(answer);
  });
  return router;
}
