import type { Metrics } from './metrics.js';

/**
 * Online rows and feature statuses served. The online path adds to plain integer fields (a few
 * nanoseconds per answer, where a labelled prom-client `inc` hashes its labels each call); the
 * counters read them when scraped.
 */
export class OnlineTally {
  requests = 0;
  rows = 0;
  PRESENT = 0;
  NULL_VALUE = 0;
  NOT_FOUND = 0;
  OUTSIDE_MAX_AGE = 0;

  publish(metrics: Metrics): void {
    const tally = this;
    metrics.counter({
      name: 'tessera_online_rows_total',
      help: 'Entity rows answered by the online read path',
      collect() {
        this.reset();
        this.inc(tally.rows);
      },
    });
    metrics.counter({
      name: 'tessera_online_requests_total',
      help: 'Online read requests answered (HTTP and SDK)',
      collect() {
        this.reset();
        this.inc(tally.requests);
      },
    });
    metrics.counter({
      name: 'tessera_online_feature_statuses_total',
      help: 'Feature values served online, by Feast status',
      labelNames: ['status'],
      collect() {
        this.reset();
        for (const status of ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'] as const) this.inc({ status }, tally[status]);
      },
    });
  }
}
