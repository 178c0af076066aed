import type { NextFunction, Request, Response } from 'express';
import { RequestTally, type RouteTally } from './request-tally.js';
import type { Metrics } from './metrics.js';

/** Latency buckets in seconds: the online path answers in well under a millisecond, exports take minutes. */
export const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/** The label of a request no route matched (a 404): one value, whatever the URL. */
export const UNMATCHED = '(unmatched)';

/**
 * Request counts and latency per route template (`/api/v1/runs/:id`, never the URL itself), method
 * and status. A request adds to plain numbers (`RequestTally`: a count, a sum and a bucket per
 * route and status); prom-client's counter and histogram read them when scraped. Recording through
 * prom-client's labelled children hashed and validated the labels on every call, about a tenth of
 * the online fast path's CPU.
 */
export class HttpMetrics {
  private readonly tally = new RequestTally(BUCKETS);

  constructor(metrics: Metrics) {
    const tally = this.tally;
    metrics.counter({
      name: 'tessera_http_requests_total',
      help: 'HTTP requests answered, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      collect() {
        this.reset();
        for (const series of tally.series()) this.inc(series.labels, series.count);
      },
    });
    metrics.histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      collect() {
        tally.publish(this);
      },
    });
  }

  /** The tally of one method and route, for a handler that always records under it (the fast paths). */
  route(method: string, route: string): RouteTally {
    return this.tally.route(method, route);
  }

  record(method: string, route: string, status: number, started: bigint): void {
    this.tally.route(method, route).record(status, started);
  }

  /** Express middleware: records each request when its answer is sent, under the route that matched. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        // Routers are mounted at the root with full paths: the matched route's path is the template.
        const route = (req.route as { path?: unknown } | undefined)?.path;
        this.record(req.method, typeof route === 'string' ? route : UNMATCHED, res.statusCode, started);
      });
      next();
    };
  }
}
