import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { defineRoutes } from '../openapi/route-doc.js';

export const METRICS_ROUTES = defineRoutes({
  metrics: {
    method: 'get',
    path: '/metrics',
    auth: needs('DESCRIBE', project('metrics')),
    tag: 'operations',
    summary: 'Prometheus metrics: requests, online answers, runs, validation, freshness, store errors',
    description: 'Text exposition format 0.0.4. Labels are views, routes and statuses, never entity keys. docs/monitoring.md lists every metric.',
    responses: { 200: { description: 'the metrics (text/plain; version=0.0.4)', mediaTypes: ['text/plain'] } },
    problems: [],
  },
});

/**
 * `GET /metrics`. A gauge read from a store at scrape time (freshness) that fails leaves its last
 * values; the scrape still answers, so a registry outage does not hide the other metrics.
 */
export function metricsRoutes(deps: { metrics: Metrics; logger: Logger }): Router {
  const router = Router();
  router.get(METRICS_ROUTES.metrics.path, async (_req, res) => {
    const { text, errors } = await deps.metrics.scrape();
    for (const err of errors) deps.logger.warn({ err }, 'a metrics collector failed');
    res.type(deps.metrics.contentType).send(text);
  });
  return router;
}
