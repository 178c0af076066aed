import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { parseTimestamp, TIMESTAMP_FORMS } from '../../domain/time.js';
import { validationError } from '../../errors.js';
import { decodeCursor, type LogQuery } from '../../prediction-logs/log-query.js';
import { fastBatch } from '../../prediction-logs/fast-batch.js';
import { predictionBatchSchema } from '../../prediction-logs/prediction-log.js';
import type { PredictionLogService } from '../../prediction-logs/prediction-log-service.js';
import { parsedBody } from '../body.js';
import { predictionLogAnswer, predictionLogAppendAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryInt } from '../validate.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const PREDICTION_LOG_ROUTES = defineRoutes({
  append: {
    method: 'post',
    path: '/api/v1/prediction-logs',
    auth: needs('WRITE_OFFLINE', project('prediction_logs')),
    tag: 'online',
    summary: "Append a batch of a model's predictions to the prediction log (answered once it is on disk)",
    body: { required: true, description: 'the model and its predictions', schema: predictionBatchSchema },
    responses: { 201: { description: 'logged (predictions whose id was logged before count as duplicates)', schema: predictionLogAppendAnswer } },
    problems: [400, 413, 415, 503],
  },
  read: {
    method: 'get',
    path: '/api/v1/prediction-logs',
    auth: needs('READ_OFFLINE', project('prediction_logs'), { expensive: true }),
    tag: 'online',
    summary: "A model's logged predictions, newest first, a page at a time",
    query: z.strictObject({
      model: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,127}$/, 'a model name'),
      version: z.string().min(1).max(128).optional().describe('the model version'),
      from: z.string().optional().describe('loggedAt at or after (RFC 3339 or epoch ms)'),
      to: z.string().optional().describe('loggedAt before (RFC 3339 or epoch ms)'),
      status: z.enum(['ok', 'failed']).optional(),
      entityKey: z.string().min(1).max(4096).optional().describe("the entity's values in the order of their names, joined by |"),
      ids: z.string().optional().describe('prediction ids, comma-separated (up to 1000)'),
      order: z.enum(['desc', 'asc']).default('desc').describe('desc: newest first (default); asc: oldest first'),
      limit: queryInt(1, 10_000).default(1000),
      after: z.string().max(200).optional().describe("the previous page's `next`"),
    }),
    responses: { 200: { description: 'the predictions', schema: predictionLogAnswer } },
    problems: [400],
  },
});

function time(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const at = parseTimestamp(/^-?\d+$/.test(text) ? Number(text) : text);
  if (at === null) throw validationError(`'${text}' is not a time`, [{ path: `(query) ${field}`, message: `not a timestamp: use ${TIMESTAMP_FORMS}` }]);
  return at;
}

/** A read's query string as a `LogQuery`, or a 400 naming the field. */
export function logQuery(input: unknown): LogQuery {
  const q = parseInput(PREDICTION_LOG_ROUTES.read.query, input, '(query) ');
  let ids: string[] | undefined;
  if (q.ids !== undefined) {
    ids = q.ids.split(',').map((s) => s.trim().toLowerCase());
    if (ids.length > 1000 || ids.some((id) => !UUID.test(id))) throw validationError('ids: up to 1000 UUIDs, comma-separated', [{ path: '(query) ids', message: 'up to 1000 UUIDs, comma-separated' }]);
  }
  return {
    model: q.model,
    version: q.version,
    from: time(q.from, 'from'),
    to: time(q.to, 'to'),
    status: q.status,
    entityKey: q.entityKey,
    ids,
    ascending: q.order === 'asc',
    limit: q.limit,
    after: q.after === undefined ? undefined : decodeCursor(q.after, '(query) after'),
  };
}

/** `POST /api/v1/prediction-logs` appends a batch; `GET /api/v1/prediction-logs?model=` reads a model's log. */
export function predictionLogRoutes(deps: { logs: PredictionLogService; bodyLimit: number }): Router {
  const router = Router();
  const routes = PREDICTION_LOG_ROUTES;
  router.post(routes.append.path, ...parsedBody(deps.bodyLimit), async (req, res) => {
    const batch = fastBatch(req.body) ?? parseInput(routes.append.body.schema, req.body);
    res.status(201).json(await deps.logs.append(batch));
  });
  router.get(routes.read.path, async (req, res) => {
    const query = logQuery(req.query);
    res.json({ model: query.model, ...(await deps.logs.read(query)) });
  });
  return router;
}
