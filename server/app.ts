import express, { type Express, type Router } from 'express';
import type { AuthGate } from './auth/auth-gate.js';
import { TesseraError } from './errors.js';
import { authMiddleware } from './http/auth-middleware.js';
import { cors } from './http/cors.js';
import { API_ROUTES } from './http/openapi/api-routes.js';
import { errorHandler } from './http/error-handler.js';
import { problemFor, sendProblem } from './http/problem.js';
import type { RouteDoc } from './http/openapi/route-doc.js';
import { allowedMethods } from './http/route-matcher.js';
import { unknownQuery } from './http/unknown-query.js';
import { optionsAnswer } from './http/options.js';
import { requestLog } from './http/request-log.js';
import { tesseraOpenApi } from './http/openapi/tessera-openapi.js';
import { applyRoutes } from './http/routes/apply.js';
import { catalogRoutes } from './http/routes/catalog.js';
import { HEALTH_ROUTES, type HealthCheck, healthRoutes } from './http/routes/health.js';
import { openApiRoutes } from './http/routes/openapi.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import { METRICS_ROUTES, metricsRoutes } from './http/routes/metrics.js';
import type { ApplyService } from './registry/apply-service.js';
import type { CatalogCache } from './registry/catalog-cache.js';
import type { DeleteService } from './registry/delete-service.js';
import type { CatalogStore } from './registry/catalog-store.js';

export interface AppDeps {
  logger: Logger;
  bodyLimit: number;
  catalog: CatalogCache;
  catalogStore: CatalogStore;
  applyService: ApplyService;
  deleteService: DeleteService;
  healthChecks: Record<string, HealthCheck>;
  /** Facts about this process for `/health` (pid, whether it runs the scheduler). */
  healthInfo?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  versionDetail?: (view: string, version: number) => Promise<Record<string, unknown>>;
  /** The hot path (online serving): mounted first, so its requests are not matched against every route. */
  hot?: Router[];
  /** Routers of the other layers (pipelines, offline serving), mounted after the catalog's. */
  routers?: Router[];
  /** A `worker` process answers `/health` (and the problem types) only. */
  healthOnly?: boolean;
  /** Request metrics are recorded, and `GET /metrics` served, when given. */
  metrics?: Metrics;
  /** Authentication and permissions in front of every route (auth off until keys or OIDC exist). */
  gate?: AuthGate;
  /** Origins allowed to call from a browser (CORS); none by default. */
  corsOrigins?: string[];
}

/** The HTTP application: everything it uses comes in through `deps`; it holds no state of its own. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestLog(deps.logger));
  if (deps.corsOrigins && deps.corsOrigins.length > 0) app.use(cors(deps.corsOrigins));
  if (deps.gate) app.use(authMiddleware({ gate: deps.gate, routes: API_ROUTES, catalog: () => deps.catalog.peek()! }));
  if (deps.metrics) app.use(deps.metrics.http.middleware());
  const served = servedRoutes(deps);
  const allowed = allowedMethods(served);
  // After auth: a caller without credentials learns nothing of a route's parameters.
  app.use(unknownQuery(served));
  // Before every router: express would answer OPTIONS itself with the first matching router's methods.
  app.use(optionsAnswer(allowed));
  if (deps.metrics) app.use(metricsRoutes({ metrics: deps.metrics, logger: deps.logger }));
  if (deps.healthOnly) return withFallbacks(app.use(healthRoutes(deps.healthChecks, deps.healthInfo)), deps.logger, allowed);
  for (const router of deps.hot ?? []) app.use(router);
  app.use(healthRoutes(deps.healthChecks, deps.healthInfo));
  app.use(applyRoutes({ applyService: deps.applyService, catalogStore: deps.catalogStore, bodyLimit: deps.bodyLimit }));
  app.use(catalogRoutes(deps));
  app.use(openApiRoutes(tesseraOpenApi));
  for (const router of deps.routers ?? []) app.use(router);
  return withFallbacks(app, deps.logger, allowed);
}

/** The routes this process serves: a worker its health (and metrics) routes only. */
function servedRoutes(deps: AppDeps): readonly RouteDoc[] {
  const metricsDocs: readonly RouteDoc[] = Object.values(METRICS_ROUTES);
  if (deps.healthOnly) return [...Object.values(HEALTH_ROUTES), ...(deps.metrics ? metricsDocs : [])];
  // Without metrics, /metrics is not served here: a 404, not a 405 that offers GET.
  return deps.metrics ? API_ROUTES : API_ROUTES.filter((r) => !metricsDocs.includes(r));
}

/**
 * A problem document for a request no route serves: a 405 naming the methods in `Allow` when the path
 * is served with others, else a 404; and the one error handler. Only unmatched requests get here, so
 * the routes' own matching costs nothing more.
 */
function withFallbacks(app: Express, logger: Logger, allowed: (path: string) => string[]): Express {
  app.use((req, res) => {
    const methods = allowed(req.path);
    // A method a documented route takes but this process does not serve is a 404, never a 405 offering it.
    if (methods.length > 0 && !methods.includes(req.method)) {
      const list = methods.join(', ');
      res.set('Allow', list);
      const error = new TesseraError('method_not_allowed', `${req.path} does not take ${req.method}; it takes ${list}`, [{ path: '(method)', message: `one of ${list}` }]);
      return sendProblem(res, problemFor(error, req.originalUrl));
    }
    sendProblem(
      res,
      problemFor(new TesseraError('not_found', `no route for ${req.method} ${req.path}`, [{ path: '(url)', message: `${req.method} ${req.path} is not an endpoint` }]), req.originalUrl),
    );
  });
  app.use(errorHandler(logger));
  return app;
}
