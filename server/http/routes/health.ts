import { OPEN } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { errorMessage, notFound } from '../../errors.js';
import { healthAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { PROBLEMS, isErrorCode, problemFor, sendProblem } from '../problem.js';
import { parseInput } from '../validate.js';

/** A named probe: resolves when the store answers. */
export type HealthCheck = () => Promise<void>;

export const HEALTH_ROUTES = defineRoutes({
  health: {
    method: 'get',
    path: '/health',
    feastIgnoresQuery: true,
    auth: OPEN,
    tag: 'operations',
    summary: 'Whether the registry and the stores answer',
    responses: { 200: { description: 'every store answers', schema: healthAnswer }, 503: { description: 'a store does not answer: the failing checks', schema: healthAnswer } },
    problems: [],
  },
  problem: {
    method: 'get',
    path: '/problems/:code',
    auth: OPEN,
    tag: 'operations',
    summary: 'What a problem type means',
    params: z.object({ code: z.string() }),
    responses: { 200: { description: 'the problem type, in words', mediaTypes: ['text/plain'] } },
    problems: [404],
  },
});

/** `GET /health`: 200 when every store answers, else 503 with the failing checks. `GET /problems/{code}`. */
export function healthRoutes(checks: Record<string, HealthCheck>, info: () => Record<string, unknown> | Promise<Record<string, unknown>> = () => ({})): Router {
  const router = Router();
  router.get(HEALTH_ROUTES.health.path, async (_req, res) => {
    const results: Record<string, string> = {};
    let ok = true;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          results[name] = 'ok';
        } catch (e) {
          ok = false;
          results[name] = errorMessage(e);
        }
      }),
    );
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: results, ...(await info()) });
  });
  router.get(HEALTH_ROUTES.problem.path, (req, res) => {
    const { code } = parseInput(HEALTH_ROUTES.problem.params, req.params);
    if (!isErrorCode(code)) return sendProblem(res, problemFor(notFound('problem type', code, '(url)'), req.originalUrl));
    res.type('text/plain').send(`${PROBLEMS[code].title} (HTTP ${PROBLEMS[code].status}): see the detail and errors[] of the problem document.\n`);
  });
  return router;
}
