/** What the load child does: POST the bodies in turn to `url + path`. */
export interface LoadSpec {
  url: string;
  path: string;
  /** POST (default) sends the bodies; GET sends none (`bodiesFile` then only sets how many requests rotate). */
  method?: 'GET' | 'POST';
  /** A JSON file holding an array of request bodies (strings), sent in turn on each connection. */
  bodiesFile: string;
  connections: number;
  /** Requests per second over all connections; none = as fast as the server answers. */
  rate?: number;
  /** How long to measure (with `untilStopped`: the longest). */
  seconds: number;
  /** Load before measuring, discarded: JIT, SQLite page cache and connections are warm. */
  warmupSeconds: number;
  untilStopped?: boolean;
  /** A request without an answer after this many seconds is a timeout, which invalidates the measurement. */
  timeoutSeconds?: number;
  /**
   * A measurement that ends with fewer answers goes on, one request per connection at a time, until it
   * has them: a smoke run's short window on a busy machine may end before the first answer arrives.
   */
  minAnswers?: number;
  /** Sent with every request besides the content type (`authorization` for an API key). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** 2xx answers measured. */
  requests: number;
  /** 2xx answers including the warm-up's: the server's CPU time is read around both. */
  allRequests: number;
  /** Non-2xx answers, connection errors and timeouts: a measurement with any is not trusted. */
  failed: number;
  seconds: number;
  /** 2xx answers per second. */
  rps: number;
  /** Answer times in milliseconds. */
  p50: number;
  p90: number;
  p99: number;
  /**
   * At a fixed rate: the p99 corrected for coordinated omission (requests that could not be sent on time
   * behind a slow answer), as HdrHistogram corrects it and autocannon's own histogram does: an answer of
   * L ms when one was due every I ms also counts L - I, L - 2I, ... down to I. NaN without a rate.
   */
  p99Corrected: number;
  max: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The answer times with HdrHistogram's synthetic samples for an expected interval (`recordValueWithExpectedInterval`). */
export function correctedForOmission(latencies: number[], intervalMs: number): number[] {
  const out: number[] = [];
  for (const l of latencies) {
    out.push(l);
    for (let missing = l - intervalMs; missing >= intervalMs; missing -= intervalMs) out.push(missing);
  }
  return out;
}

/** `intervalMs`: the time between two requests of one connection at the fixed rate (none: as fast as answered). */
export function summarize(latencies: number[], failed: number, seconds: number, warmupRequests = 0, intervalMs?: number): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const corrected = intervalMs === undefined ? null : Float64Array.from(correctedForOmission(latencies, intervalMs)).sort();
  return {
    requests: sorted.length,
    allRequests: sorted.length + warmupRequests,
    failed,
    seconds,
    rps: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p99Corrected: corrected ? percentile(corrected, 99) : NaN,
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}
