import { Router } from 'express';
import { errorMessage, notFound } from '../../errors.js';
import { PROBLEMS, isErrorCode, problemFor, sendProblem } from '../problem.js';

/** A named probe: resolves when the store answers. */
export type HealthCheck = () => Promise<void>;

/** `GET /health`: 200 when every store answers, else 503 with the failing checks. `GET /problems/{code}`. */
export function healthRoutes(checks: Record<string, HealthCheck>, info: () => Record<string, unknown> = () => ({})): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
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
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks: results, ...info() });
  });
  router.get('/problems/:code', (req, res) => {
    const code = req.params.code;
    if (!isErrorCode(code)) return sendProblem(res, problemFor(notFound('problem type', code, '(url)'), req.originalUrl));
    res.type('text/plain').send(`${PROBLEMS[code].title} (HTTP ${PROBLEMS[code].status}): see the detail and errors[] of the problem document.\n`);
  });
  return router;
}
