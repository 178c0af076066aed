import type { FeatureInput } from '../domain/feature-view.js';
import type { SnapshotWriter } from '../offline/snapshot-writer.js';
import { readStaged } from '../offline/stage-reader.js';
import type { RowContext } from '../transforms/transform.js';
import { LatestRows } from './latest-rows.js';
import { type RowOrigin, transformBatch } from './output-batch.js';
import type { RowBatch } from './row-batch.js';
import type { ColumnStatistics } from '../domain/snapshot.js';
import { SnapshotStats } from './snapshot-stats.js';
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

/** Transforms a run's batches and feeds the snapshot writer, the statistics and the latest-row index. */
export class SnapshotBuilder {
  private readonly latest = new LatestRows();
  private stats = new SnapshotStats();
  private minTs = Infinity;
  private maxTs = -Infinity;

  /** `online`: keep the latest row per key for the online store (skipped for offline-only views). */
  constructor(
    private readonly writer: SnapshotWriter,
    private readonly features: FeatureInput[],
    private readonly watch: Stopwatch,
    private readonly online: boolean,
    private readonly origin?: RowOrigin,
  ) {}

  /** `seq`: each row's position in read order, when `batch` is not in read order (ffill sorts by entity). */
  async add(batch: RowBatch, states: Record<string, unknown[]>, rows: RowContext, carry: Record<string, Map<string, number | string>>, seq?: Float64Array): Promise<void> {
    const out = this.watch.time('transform', () => transformBatch(batch, this.features, states, rows, carry, this.origin));
    this.watch.time('stats', () => {
      this.stats.add(out);
      for (let i = 0; i < out.length; i++) {
        const t = out.eventTs[i];
        if (t < this.minTs) this.minTs = t;
        if (t > this.maxTs) this.maxTs = t;
      }
    });
    if (this.online) this.watch.time('latest', () => this.latest.add(out));
    await this.watch.timeAsync('write', () => this.writer.add(out, seq));
  }

  async finish(): Promise<BuiltSnapshot> {
    const written = await this.watch.timeAsync('write', () => this.writer.finish());
    // Dropped duplicates were counted: describe the rows that were written instead.
    if (written.duplicates > 0) await this.watch.timeAsync('stats', () => this.restat());
    await this.writer.close();
    return {
      rows: written.rows,
      files: written.files,
      stats: this.stats.result(),
      minEventTs: written.rows ? this.minTs : null,
      maxEventTs: written.rows ? this.maxTs : null,
      latest: this.latest,
    };
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }

  private async restat(): Promise<void> {
    const { connection, sql, plan } = await this.writer.readBack();
    this.stats = new SnapshotStats();
    for await (const chunk of readStaged(
      connection,
      sql,
      plan.columns.slice(1).map((c) => c.kind),
    ))
      this.stats.add(plan.batch(chunk.values, chunk.length));
  }
}
