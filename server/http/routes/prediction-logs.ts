import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from 'zod';
import { predictionBatchSchema } from '../../prediction-logs/prediction-log.js';
import type { PredictionLogStore } from '../../prediction-logs/prediction-log-store.js';
import { parsedBody } from '../body.js';
import { predictionLogAnswer, predictionLogAppendAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryInt } from '../validate.js';

export const PREDICTION_LOG_ROUTES = defineRoutes({
  append: {
    method: 'post',
    path: '/api/v1/prediction-logs',
    auth: needs('WRITE_OFFLINE', project('prediction_logs')),
    tag: 'online',
    summary: "Append a batch of a model's predictions to the prediction log",
    body: { required: true, description: 'the model and its predictions', schema: predictionBatchSchema },
    responses: { 201: { description: 'logged', schema: predictionLogAppendAnswer } },
    problems: [400, 413, 415],
  },
  read: {
    method: 'get',
    path: '/api/v1/prediction-logs',
    auth: needs('READ_OFFLINE', project('prediction_logs'), { expensive: true }),
    tag: 'online',
    summary: "A model's logged predictions",
    query: z.object({
      model: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'a model name'),
      status: z.enum(['ok', 'failed']).optional(),
      limit: queryInt(1, 100_000).default(1000),
    }),
    responses: { 200: { description: 'the predictions', schema: predictionLogAnswer } },
    problems: [400],
  },
});

/** `POST /api/v1/prediction-logs` appends a batch; `GET /api/v1/prediction-logs?model=` reads a model's log. */
export function predictionLogRoutes(deps: { logs: PredictionLogStore; bodyLimit: number }): Router {
  const router = Router();
  const routes = PREDICTION_LOG_ROUTES;
  router.post(routes.append.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    const batch = parseInput(routes.append.body.schema, req.body);
    res.status(201).json(await deps.logs.append(batch));
  });
  router.get(routes.read.path, async (req, res) => {
    const query = parseInput(routes.read.query, req.query, '(query) ');
    res.json({ model: query.model, predictions: await deps.logs.read(query.model, query) });
  });
  return router;
}
