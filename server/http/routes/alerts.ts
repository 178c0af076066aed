import { needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { ALERT_KINDS } from '../../alerts/alert-definition.js';
import type { Evaluation } from '../../alerts/alert-evaluator.js';
import type { DeliveryRecord } from '../../alerts/alert-record.js';
import { presentAlert } from '../../alerts/present-alert.js';
import type { AlertService } from '../../alerts/alert-service.js';
import { NAME_PATTERN } from '../../domain/names.js';
import { formatTimestamp } from '../../domain/time.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryInt } from '../validate.js';

const time = z.string().describe('RFC 3339, UTC');

const deliveryAnswer = z.object({
  deliveryId: z.string().describe('X-Tessera-Delivery, the same for each attempt'),
  webhook: z.string(),
  event: z.enum(['alert.fired', 'alert.resolved']),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable().describe('the HTTP status of the last attempt; null when it got none'),
  lastError: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
});

const alertAnswer = z
  .object({
    id: z.number().int(),
    rule: z.string(),
    kind: z.enum(ALERT_KINDS),
    subject: z.string().describe('what the condition is about: a view, a monitor and feature, a model'),
    status: z.enum(['open', 'resolved']),
    value: z.number().nullable(),
    message: z.string(),
    retrain: z.boolean(),
    firedAt: time,
    lastSeenAt: time.describe('the last evaluation that found the condition'),
    resolvedAt: time.nullable(),
  })
  .meta({ id: 'Alert' });

const evaluationAnswer = z
  .object({
    evaluatedAt: time,
    rules: z.array(
      z.object({
        rule: z.string(),
        kind: z.enum(ALERT_KINDS),
        status: z.enum(['ok', 'no_provider', 'error']).describe('no_provider: no feature of this process evaluates the kind'),
        subjects: z.number().int(),
        firing: z.number().int(),
        error: z.string().optional(),
      }),
    ),
    fired: z.array(alertAnswer),
    resolved: z.array(alertAnswer),
  })
  .meta({ id: 'AlertEvaluation' });

export const ALERT_ROUTES = defineRoutes({
  list: {
    method: 'get',
    path: '/api/v1/alerts',
    auth: needs('DESCRIBE', project('alerts')),
    tag: 'monitoring',
    summary: 'Alerts, newest first, with their webhook deliveries',
    query: z.strictObject({
      status: z.enum(['open', 'resolved']).optional(),
      rule: z.string().regex(NAME_PATTERN, 'an alert rule name').optional(),
      limit: queryInt(1, 1000).default(100),
      before: queryInt(1, Number.MAX_SAFE_INTEGER).optional().describe('alerts with a smaller id (paging)'),
    }),
    responses: { 200: { description: 'the alerts', schema: z.object({ alerts: z.array(alertAnswer.extend({ deliveries: z.array(deliveryAnswer) })) }) } },
    problems: [400],
  },
  evaluate: {
    method: 'post',
    path: '/api/v1/alerts/evaluate',
    auth: needs('UPDATE', project('alerts')),
    tag: 'monitoring',
    summary: 'Evaluate every alert rule now',
    description: 'Opens alerts for conditions that fire (deduplicated while open), resolves those that cleared, queues their webhook deliveries, and answers what changed.',
    responses: { 200: { description: 'what the evaluation changed', schema: evaluationAnswer } },
    problems: [],
  },
});

function presentDelivery(d: DeliveryRecord) {
  const { id: _id, alertId: _alert, ...rest } = d;
  return { ...rest, createdAt: formatTimestamp(d.createdAt), updatedAt: formatTimestamp(d.updatedAt) };
}

export function presentEvaluation(e: Evaluation) {
  return { evaluatedAt: formatTimestamp(e.evaluatedAt), rules: e.rules, fired: e.fired.map(presentAlert), resolved: e.resolved.map(presentAlert) };
}

/** `GET /api/v1/alerts` and `POST /api/v1/alerts/evaluate`. */
export function alertRoutes(deps: { alerts: AlertService }): Router {
  const router = Router();
  router.get(ALERT_ROUTES.list.path, async (req, res) => {
    const q = parseInput(ALERT_ROUTES.list.query, req.query, '(query) ');
    const alerts = await deps.alerts.list({ status: q.status, rule: q.rule, limit: q.limit, beforeId: q.before });
    res.json({ alerts: alerts.map((a) => ({ ...presentAlert(a), deliveries: a.deliveries.map(presentDelivery) })) });
  });
  router.post(ALERT_ROUTES.evaluate.path, async (_req, res) => {
    res.json(presentEvaluation(await deps.alerts.evaluate()));
  });
  return router;
}
