import { Router } from 'express';
import { named, needs } from '../../auth/route-auth.js';
import { z } from '../../vendor/zod.cjs';
import { formatTimestamp } from '../../domain/time.js';
import { notFound } from '../../errors.js';
import type { MonitorResult, MonitorResultStore } from '../../monitoring/monitors/monitor-result-store.js';
import type { MonitorRunner } from '../../monitoring/monitors/monitor-runner.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryInt } from '../validate.js';
import { driftReportAnswer } from './drift.js';

const monitorResultAnswer = z
  .object({
    id: z.number().int(),
    monitor: z.string(),
    status: z.enum(['ok', 'failed']),
    datasetDrift: z.boolean().nullable(),
    share: z.number().nullable(),
    report: driftReportAnswer.nullable(),
    error: z.string().nullable().describe('why no report could be computed (failed)'),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .meta({ id: 'MonitorResult' });

const monitorParam = z.object({ name: z.string() });

export const MONITOR_ROUTES = defineRoutes({
  results: {
    method: 'get',
    path: '/api/v1/monitors/:name/results',
    auth: needs('DESCRIBE', named('monitor')),
    tag: 'monitoring',
    summary: "A drift monitor's results, newest first",
    params: monitorParam,
    query: z.strictObject({
      limit: queryInt(1, 1000).default(100),
      before: queryInt(1, Number.MAX_SAFE_INTEGER).optional().describe('results with a smaller id (paging)'),
    }),
    responses: { 200: { description: 'the results', schema: z.object({ monitor: z.string(), results: z.array(monitorResultAnswer) }) } },
    problems: [400, 404],
  },
  run: {
    method: 'post',
    path: '/api/v1/monitors/:name/run',
    auth: needs('UPDATE', named('monitor'), { expensive: true }),
    tag: 'monitoring',
    summary: 'Run a drift monitor now',
    description: 'Runs the monitor once, outside its schedule, and stores and answers the result (a report that cannot be computed is a stored `failed` result).',
    params: monitorParam,
    responses: { 201: { description: 'the stored result', schema: monitorResultAnswer } },
    problems: [404],
  },
});

const present = (r: MonitorResult) => ({ ...r, startedAt: formatTimestamp(r.startedAt), finishedAt: formatTimestamp(r.finishedAt) });

/** `GET /api/v1/monitors/{name}/results` and `POST /api/v1/monitors/{name}/run`. */
export function monitorRoutes(deps: { catalog: CatalogCache; results: MonitorResultStore; runner: MonitorRunner }): Router {
  const router = Router();
  const monitorOf = async (name: string) => {
    const monitor = (await deps.catalog.get()).monitors.get(name);
    if (!monitor) throw notFound('monitor', name, 'name');
    return monitor.spec;
  };
  router.get(MONITOR_ROUTES.results.path, async (req, res) => {
    const { name } = parseInput(MONITOR_ROUTES.results.params, req.params);
    const query = parseInput(MONITOR_ROUTES.results.query, req.query, '(query) ');
    await monitorOf(name);
    const results = await deps.results.list(name, { limit: query.limit, beforeId: query.before });
    res.json({ monitor: name, results: results.map(present) });
  });
  router.post(MONITOR_ROUTES.run.path, async (req, res) => {
    const { name } = parseInput(MONITOR_ROUTES.run.params, req.params);
    res.status(201).json(present(await deps.runner.run(await monitorOf(name))));
  });
  return router;
}
