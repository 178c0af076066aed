import type { Histogram } from 'prom-client';

/** One (method, route, status): what the counter and the histogram publish for it. */
export interface RequestSeries {
  labels: { method: string; route: string; status: string };
  count: number;
  /** Seconds, summed. */
  sum: number;
  /** Per upper bound, the requests whose latency fell in that bucket alone (not cumulative). */
  buckets: number[];
}

/** The requests of one method and route, by status: a handler that always answers one route keeps this. */
export class RouteTally {
  /** Statuses are few (200, 404, 413, ...). */
  private readonly byStatus = new Map<number, RequestSeries>();

  constructor(
    private readonly method: string,
    private readonly route: string,
    private readonly bounds: readonly number[],
    private readonly added: (series: RequestSeries) => void,
  ) {}

  /** Counts a request answered with `status`, started at `started` (process.hrtime.bigint()). */
  record(status: number, started: bigint): void {
    this.observe(status, Number(process.hrtime.bigint() - started) / 1e9);
  }

  /** Counts a request answered with `status` in `seconds`. */
  observe(status: number, seconds: number): void {
    let series = this.byStatus.get(status);
    if (series === undefined) {
      series = { labels: { method: this.method, route: this.route, status: String(status) }, count: 0, sum: 0, buckets: this.bounds.map(() => 0) };
      this.byStatus.set(status, series);
      this.added(series);
    }
    series.count++;
    series.sum += seconds;
    // As prom-client buckets: the first bound at or above the value; above the last, only the count (+Inf).
    const bounds = this.bounds;
    for (let b = 0; b < bounds.length; b++) {
      if (seconds <= bounds[b]) {
        series.buckets[b]++;
        break;
      }
    }
  }
}

/**
 * HTTP request counts and latencies as plain numbers per (method, route, status), published to
 * prom-client at scrape time. Series appear in the order first recorded, as prom-client's own
 * labelled children did, so the exposition text is what recording through prom-client gave.
 */
export class RequestTally {
  private readonly routes = new Map<string, RouteTally>();
  private readonly all: RequestSeries[] = [];

  constructor(private readonly bounds: readonly number[]) {}

  route(method: string, route: string): RouteTally {
    const key = `${method} ${route}`;
    let tally = this.routes.get(key);
    if (tally === undefined) {
      tally = new RouteTally(method, route, this.bounds, (series) => this.all.push(series));
      this.routes.set(key, tally);
    }
    return tally;
  }

  series(): readonly RequestSeries[] {
    return this.all;
  }

  /**
   * Sets a histogram (made with these bounds and the labels method, route, status) to the tally.
   * prom-client has no call that sets a histogram's buckets, so this writes the per-series values
   * it keeps (`hashMap`: labels, bucket counts by bound, sum, count) and leaves the exposition to
   * it; a test checks the text against a histogram that observed the same values.
   */
  publish(histogram: Histogram<'method' | 'route' | 'status'>): void {
    const values: Record<string, unknown> = {};
    for (const s of this.all) {
      const bucketValues: Record<number, number> = {};
      for (let b = 0; b < this.bounds.length; b++) bucketValues[this.bounds[b]] = s.buckets[b];
      // prom-client's key: label names sorted, `name:value` joined by commas.
      values[`method:${s.labels.method},route:${s.labels.route},status:${s.labels.status}`] = { labels: s.labels, bucketValues, sum: s.sum, count: s.count };
    }
    (histogram as unknown as { hashMap: Record<string, unknown> }).hashMap = values;
  }
}
