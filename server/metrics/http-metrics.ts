import type { NextFunction, Request, Response } from 'express';
import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from './metrics.js';

/** Latency buckets in seconds: the online path answers in well under a millisecond, exports take minutes. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/** The label of a request no route matched (a 404): one value, whatever the URL. */
export const UNMATCHED = '(unmatched)';

type Labels = 'method' | 'route' | 'status';

/**
 * Request counts and latency per route template (`/api/v1/runs/:id`, never the URL itself), method
 * and status. `record` keeps the labelled children it has made, so a repeated (route, status) costs
 * one map lookup, not a label hash.
 */
export class HttpMetrics {
  private readonly count: Counter<Labels>;
  private readonly seconds: Histogram<Labels>;
  private readonly children = new Map<string, { count: { inc(): void }; seconds: { observe(v: number): void } }>();

  constructor(metrics: Metrics) {
    this.count = metrics.counter({ name: 'tessera_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'] });
    this.seconds = metrics.histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
    });
  }

  record(method: string, route: string, status: number, started: bigint): void {
    const key = `${method} ${route} ${status}`;
    let child = this.children.get(key);
    if (!child) {
      const labels = { method, route, status: String(status) };
      child = { count: this.count.labels(labels), seconds: this.seconds.labels(labels) };
      this.children.set(key, child);
    }
    child.count.inc();
    child.seconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
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
