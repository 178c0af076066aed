import { Router } from 'express';
import { z } from 'zod';
import { predictionBatchSchema } from '../../prediction-logs/prediction-log.js';
import type { PredictionLogStore } from '../../prediction-logs/prediction-log-store.js';
import { parsedBody } from '../body.js';
import { parseInput, queryInt } from '../validate.js';

const readQuery = z.object({
  model: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'a model name'),
  status: z.enum(['ok', 'failed']).optional(),
  limit: queryInt(1, 100_000).default(1000),
});

/** `POST /api/v1/prediction-logs` appends a batch; `GET /api/v1/prediction-logs?model=` reads a model's log. */
export function predictionLogRoutes(deps: { logs: PredictionLogStore; bodyLimit: number }): Router {
  const router = Router();
  router.post('/api/v1/prediction-logs', ...parsedBody(deps.bodyLimit), async (req, res) => {
    const batch = parseInput(predictionBatchSchema, req.body);
    res.status(201).json(await deps.logs.append(batch));
  });
  router.get('/api/v1/prediction-logs', async (req, res) => {
    const query = parseInput(readQuery, req.query, '(query) ');
    res.json({ model: query.model, predictions: await deps.logs.read(query.model, query) });
  });
  return router;
}
