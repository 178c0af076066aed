import * as arrow from '../vendor/arrow.cjs';
import type { Clock } from '../clock.js';
import { formatTimestamp } from '../domain/time.js';
import { TesseraError, validationError } from '../errors.js';
import { int64Vector } from '../feature-logging/log-table.js';
import { fileMayHold, serviceLogFolder } from '../feature-logging/log-files.js';
import type { FileStore } from '../offline/file-store.js';
import type { HistoricalService } from '../offline/historical-service.js';
import { fromParquet, toParquet } from '../offline/parquet-file.js';
import { resultBatches } from '../offline/result-batches.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import { type LoggedGroup, addLoggedRows, plainValue } from './logged-rows.js';
import { type SkewCounts, type SkewSummary, addPair, emptyCounts, summarize } from './skew-metrics.js';
import type { SkewRequest } from './skew-request.js';

const HOUR_MS = 3_600_000;
/** The entity rows' own column: which logged row an answer row belongs to. */
const LOG_ROW = 'tessera_log_row';

export interface FeatureSkew extends SkewSummary {
  feature: string;
  /** Per hour of request time (Chronon buckets by 60 minutes), oldest first. */
  hours: ({ hour: string } & SkewSummary)[];
}

export interface SkewReport {
  featureService: string;
  start: string | null;
  end: string;
  /** Logged rows compared. */
  rows: number;
  /** Logged rows in the range left out because of `maxRows`. */
  skippedRows: number;
  features: FeatureSkew[];
}

/**
 * Training-serving skew: replays a feature service's logged requests (entity keys, request time)
 * through point-in-time retrieval against the offline store, the way a training set would be
 * built, and compares each feature's served value with the offline one (Chronon's consistency job).
 * Rows are replayed with the view versions that served them.
 */
export class SkewService {
  constructor(private readonly deps: { catalog: CatalogCache; files: FileStore; historical: HistoricalService; clock: Clock }) {}

  async report(request: SkewRequest): Promise<SkewReport> {
    const start = request.start ?? Number.NEGATIVE_INFINITY;
    const end = request.end ?? this.deps.clock.now();
    const files = (await this.deps.files.list(serviceLogFolder(request.featureService))).filter((f) => fileMayHold(f, start, end));
    if (files.length === 0) {
      const service = (await this.deps.catalog.get()).featureServices.get(request.featureService);
      if (!service) throw new TesseraError('not_found', `feature service '${request.featureService}' does not exist and has no logs`, [{ path: 'featureService', message: 'unknown feature service' }]);
      // A service that never logged has nothing to compare: not "0 rows, no skew".
      if (!service.spec.logging)
        throw validationError(`feature service '${request.featureService}' does not log what it serves`, [{ path: 'featureService', message: 'has no logging: and no logs to compare' }]);
    }
    // Names start with the earliest request time: by date, then by name, is oldest first.
    files.sort((a, b) => a.localeCompare(b));
    const groups = new Map<string, LoggedGroup>();
    let rows = 0;
    let skippedRows = 0;
    for (const file of files) {
      const { added, skipped } = addLoggedRows(fromParquet(await this.deps.files.read(file)), groups, { start, end }, request.maxRows - rows);
      rows += added;
      skippedRows += skipped;
    }
    const totals = new Map<string, SkewCounts>();
    const hours = new Map<string, Map<number, SkewCounts>>();
    for (const group of groups.values()) await this.compareGroup(group, totals, hours);
    const features = [...totals].map(([feature, counts]) => ({
      feature,
      ...summarize(counts),
      hours: [...hours.get(feature)!].sort((a, b) => a[0] - b[0]).map(([hour, c]) => ({ hour: formatTimestamp(hour), ...summarize(c) })),
    }));
    return { featureService: request.featureService, start: request.start === undefined ? null : formatTimestamp(request.start), end: formatTimestamp(end), rows, skippedRows, features };
  }

  private async compareGroup(group: LoggedGroup, totals: Map<string, SkewCounts>, hours: Map<string, Map<number, SkewCounts>>): Promise<void> {
    const refs = group.features.map((name) => {
      const split = name.indexOf('__');
      const view = name.slice(0, split);
      return `${view}@${group.versions[view]}:${name.slice(split + 2)}`;
    });
    const columns: Record<string, arrow.Vector> = {};
    for (const key of group.keys) columns[key.name] = key.type === 'int64' ? int64Vector(key.values as number[]) : arrow.vectorFromArray(key.values as string[], new arrow.Utf8());
    columns.event_timestamp = arrow.vectorFromArray(group.times, new arrow.TimestampMillisecond('UTC'));
    columns[LOG_ROW] = arrow.vectorFromArray(
      group.times.map((_, i) => i),
      new arrow.Int32(),
    );
    const entities = toParquet(new arrow.Table(columns));
    const offline = group.features.map(() => new Array<unknown>(group.times.length).fill(null));
    await this.deps.historical.retrieve({ selection: { features: refs, fullFeatureNames: true }, entities: { kind: 'bytes', format: 'parquet', bytes: entities } }, async (result) => {
      for await (const batch of resultBatches(result.file, [LOG_ROW, ...group.features])) {
        const at = batch.getChild(LOG_ROW)!;
        const values = group.features.map((f) => batch.getChild(f)!);
        for (let i = 0; i < batch.numRows; i++) {
          const row = at.get(i) as number;
          for (let f = 0; f < values.length; f++) offline[f][row] = plainValue(values[f].get(i));
        }
      }
    });
    group.features.forEach((feature, f) => {
      let total = totals.get(feature);
      let byHour = hours.get(feature);
      if (!total || !byHour) {
        total = emptyCounts();
        byHour = new Map();
        totals.set(feature, total);
        hours.set(feature, byHour);
      }
      for (let i = 0; i < group.times.length; i++) {
        const hour = Math.floor(group.times[i] / HOUR_MS) * HOUR_MS;
        let bucket = byHour.get(hour);
        if (!bucket) byHour.set(hour, (bucket = emptyCounts()));
        addPair(total, group.values[f][i], offline[f][i]);
        addPair(bucket, group.values[f][i], offline[f][i]);
      }
    });
  }
}
