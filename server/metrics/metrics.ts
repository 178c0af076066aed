import { Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';
import { HttpMetrics } from './http-metrics.js';
import { OnlineTally } from './online-tally.js';
import { RunMetrics } from './run-metrics.js';

/** Where a store error was seen: low-cardinality names, never a URL or a key. */
export type StoreName = 'registry' | 'online' | 'offline';

/**
 * One process's Prometheus metrics (`GET /metrics`), over a `Registry` of its own: no prom-client
 * default registry, so two servers in one process (tests) never share counters. Built once in
 * `openServices` and passed to whatever records. Another part of Tessera adds its metrics with
 * `counter`/`gauge`/`histogram` (created in this registry) or `register` (a metric built elsewhere),
 * and with `onCollect` for values read at scrape time. Labels must stay low-cardinality: views,
 * routes, statuses; never entity keys or request ids.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly http: HttpMetrics;
  /** Online answers, counted with plain integers on the fast path and published at scrape time. */
  readonly online = new OnlineTally();
  readonly runs: RunMetrics;
  private readonly storeErrors: Counter<'store' | 'operation'>;
  private readonly collectors: (() => void | Promise<void>)[] = [];

  constructor() {
    this.http = new HttpMetrics(this);
    this.runs = new RunMetrics(this);
    this.storeErrors = this.counter({
      name: 'tessera_store_errors_total',
      help: 'Errors from the registry, the online store or the offline root, by store and operation',
      labelNames: ['store', 'operation'],
    });
    this.online.publish(this);
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, registers: [this.registry] });
  }

  /** Adds a metric built elsewhere (with `registers: []`). */
  register<T extends Metric>(metric: T): T {
    this.registry.registerMetric(metric);
    return metric;
  }

  /** Runs `collect` before each scrape (gauges read from a store: freshness, queue depths). */
  onCollect(collect: () => void | Promise<void>): void {
    this.collectors.push(collect);
  }

  storeError(store: StoreName, operation: string): void {
    this.storeErrors.inc({ store, operation });
  }

  /** The exposition text, and the errors of collectors that failed (their gauges keep their last values). */
  async scrape(): Promise<{ text: string; errors: unknown[] }> {
    const settled = await Promise.allSettled(this.collectors.map(async (c) => c()));
    const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    return { text: await this.registry.metrics(), errors };
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
