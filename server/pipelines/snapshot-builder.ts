import { StatsAccumulator } from '../columns/column-stats.js';
import type { FeatureInput } from '../domain/feature-view.js';
import type { PartitionedWriter } from '../offline/partitioned-writer.js';
import type { RowContext } from '../transforms/transform.js';
import { LatestRows } from './latest-rows.js';
import { type RowOrigin, transformBatch } from './output-batch.js';
import type { RowBatch } from './row-batch.js';
import type { ColumnStatistics } from '../domain/snapshot.js';
import type { Stopwatch } from './stopwatch.js';

export interface BuiltSnapshot {
  rows: number;
  files: string[];
  stats: Record<string, ColumnStatistics>;
  minEventTs: number | null;
  maxEventTs: number | null;
  /** The latest row per key, for the online store. */
  latest: LatestRows;
}

/** Transforms a run's batches and feeds the Parquet writer, the statistics and the latest-row index. */
export class SnapshotBuilder {
  private readonly latest = new LatestRows();
  private readonly stats = new Map<string, StatsAccumulator>();
  private rows = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;

  /** `online`: keep the latest row per key for the online store (skipped for offline-only views). */
  constructor(
    private readonly writer: PartitionedWriter,
    private readonly features: FeatureInput[],
    private readonly watch: Stopwatch,
    private readonly online: boolean,
    private readonly origin?: RowOrigin,
  ) {}

  async add(batch: RowBatch, states: Record<string, unknown[]>, rows: RowContext, carry: Record<string, Map<string, number | string>>): Promise<void> {
    const out = this.watch.time('transform', () => transformBatch(batch, this.features, states, rows, carry, this.origin));
    this.watch.time('stats', () => {
      for (const c of out.columns) {
        let acc = this.stats.get(c.name);
        if (!acc) this.stats.set(c.name, (acc = new StatsAccumulator(c.column.kind, { binary: c.binary })));
        acc.add(c.column);
      }
      for (let i = 0; i < out.length; i++) {
        const t = out.eventTs[i];
        if (t < this.minTs) this.minTs = t;
        if (t > this.maxTs) this.maxTs = t;
      }
    });
    if (this.online) this.watch.time('latest', () => this.latest.add(out));
    await this.watch.timeAsync('write', () => this.writer.add(out));
    this.rows += out.length;
  }

  async finish(): Promise<BuiltSnapshot> {
    const files = await this.watch.timeAsync('write', () => this.writer.finish());
    return {
      rows: this.rows,
      files,
      stats: Object.fromEntries([...this.stats].map(([name, acc]) => [name, acc.result()])),
      minEventTs: this.rows ? this.minTs : null,
      maxEventTs: this.rows ? this.maxTs : null,
      latest: this.latest,
    };
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}
