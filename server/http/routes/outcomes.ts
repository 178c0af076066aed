import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { parseTimestamp, TIMESTAMP_FORMS } from '../../domain/time.js';
import { validationError } from '../../errors.js';
import { outcomeBatchSchema } from '../../outcomes/outcome.js';
import type { OutcomeService } from '../../outcomes/outcome-service.js';
import type { PerformanceQuery } from '../../outcomes/performance-query.js';
import { parsedBody } from '../body.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput } from '../validate.js';

const metric = (what: string) => z.number().nullable().optional().describe(what);
const metricsAnswer = z.object({
  count: z.number().int().describe('outcomes joined to a prediction'),
  accuracy: metric('classifiers: share of predictions whose class (probability >= threshold) is the label'),
  logLoss: metric('classifiers: mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]'),
  auc: metric('classifiers: ROC AUC from ranks, ties averaged; null unless both classes occur'),
  mae: metric('regressors: mean absolute error'),
  rmse: metric('regressors: root mean squared error'),
});

const performanceAnswer = z
  .object({
    model: z.string(),
    task: z.enum(['classification', 'regression']).nullable().describe('null when nothing was joined'),
    bucket: z.enum(['day', 'hour']),
    threshold: z.number(),
    buckets: z.array(metricsAnswer.extend({ start: z.string().describe('the bucket of prediction time (UTC)') })),
    overall: metricsAnswer,
  })
  .meta({ id: 'ModelPerformance' });

const outcomeAnswer = z.object({
  recorded: z.number().int(),
  outcomes: z.array(z.object({ predictionId: z.string(), matchedBy: z.enum(['id', 'entity']) })).describe('in the order posted'),
});

export const OUTCOME_ROUTES = defineRoutes({
  record: {
    method: 'post',
    path: '/api/v1/outcomes',
    auth: needs('WRITE_OFFLINE', project('prediction_logs')),
    tag: 'monitoring',
    summary: "Record the observed outcomes (ground truth) of a model's logged predictions",
    description:
      "Each outcome names its prediction by id, or by entity and time (the entity's latest prediction made at or before `at`). The batch is stored whole or not at all; a later outcome for the same prediction replaces the earlier one (the latest received wins). An outcome that joins no logged prediction rejects the batch with 404 naming it.",
    body: { required: true, description: 'the model and its outcomes', schema: outcomeBatchSchema },
    responses: { 201: { description: 'stored', schema: outcomeAnswer } },
    problems: [400, 404, 413, 415],
  },
  performance: {
    method: 'get',
    path: '/api/v1/models/:name/performance',
    auth: needs('READ_OFFLINE', project('prediction_logs'), { expensive: true }),
    tag: 'monitoring',
    summary: "A model's performance per bucket of prediction time, from its joined outcomes",
    params: z.object({ name: z.string().describe('the model') }),
    query: z.strictObject({
      bucket: z.enum(['day', 'hour']).default('day'),
      from: z.string().optional().describe('predictedAt at or after (RFC 3339 or epoch ms)'),
      to: z.string().optional().describe('predictedAt before (RFC 3339 or epoch ms)'),
      version: z.string().min(1).max(128).optional().describe('the model version'),
      task: z.enum(['classification', 'regression']).optional().describe('default: classification when the predictions carry a probability, else regression'),
      threshold: z
        .string()
        .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a number from 0 to 1')
        .transform(Number)
        .optional()
        .describe('classifiers: the probability at or above which class 1 is predicted (default 0.5)'),
    }),
    responses: { 200: { description: 'the metrics', schema: performanceAnswer } },
    problems: [400],
  },
});

function time(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const at = parseTimestamp(/^-?\d+$/.test(text) ? Number(text) : text);
  if (at === null) throw validationError(`'${text}' is not a time`, [{ path: `(query) ${field}`, message: `not a timestamp: use ${TIMESTAMP_FORMS}` }]);
  return at;
}

/** `POST /api/v1/outcomes` and `GET /api/v1/models/{name}/performance`. */
export function outcomeRoutes(deps: { outcomes: OutcomeService; bodyLimit: number }): Router {
  const router = Router();
  const routes = OUTCOME_ROUTES;
  router.post(routes.record.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    res.status(201).json(await deps.outcomes.record(parseInput(routes.record.body.schema, req.body)));
  });
  router.get(routes.performance.path, async (req, res) => {
    const { name } = parseInput(routes.performance.params, req.params);
    if (!/^[a-z0-9][a-z0-9_.-]{0,127}$/.test(name)) throw validationError(`'${name}' is not a model name`, [{ path: 'name', message: 'lower-case letters, digits, _ . - (up to 128)' }]);
    const q = parseInput(routes.performance.query, req.query, '(query) ');
    const query: PerformanceQuery = { model: name, bucket: q.bucket, from: time(q.from, 'from'), to: time(q.to, 'to'), version: q.version, task: q.task, threshold: q.threshold ?? 0.5 };
    res.json(await deps.outcomes.performance(query));
  });
  return router;
}
