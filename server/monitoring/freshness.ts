import type { Clock } from '../clock.js';
import type { RunStore } from '../registry/run-store.js';
import { type FeatureViewRecord, latestVersion } from '../registry/catalog.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import { type CronInterval, nodeCronInterval } from './cron-interval.js';

/** How fresh one view's data is, by its latest version. Ages in seconds; null when there is none. */
export interface ViewFreshnessState {
  featureView: string;
  version: number;
  /** Latest committed event time of the version (epoch ms). */
  latestEventTime: number | null;
  dataAgeSeconds: number | null;
  /** When its last successful run (compactions aside) finished (epoch ms). */
  lastSuccessAt: number | null;
  lastSuccessAgeSeconds: number | null;
  /** `freshness.staleAfter`, else twice the schedule's interval; null: no limit. */
  staleAfterSeconds: number | null;
  /** Data older than `staleAfterSeconds`, or never committed. */
  stale: boolean;
}

export interface FreshnessDeps {
  catalog: CatalogCache;
  runs: RunStore;
  clock: Clock;
  cronInterval?: CronInterval;
}

/** Runs read per page while looking for a view's last successful run. */
const PAGE = 50;

/**
 * Per view: now minus the latest committed event time (Feast's freshness), the age of the last
 * successful run, and whether it is stale: past `freshness.staleAfter`, by default twice the
 * schedule's interval (Tecton's default). A view that never committed is stale.
 */
export class FreshnessService {
  private readonly interval: CronInterval;

  constructor(private readonly deps: FreshnessDeps) {
    this.interval = deps.cronInterval ?? nodeCronInterval;
  }

  async views(): Promise<ViewFreshnessState[]> {
    const catalog = await this.deps.catalog.get();
    const out: ViewFreshnessState[] = [];
    for (const view of [...catalog.featureViews.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) out.push(await this.view(view));
    return out;
  }

  private async view(view: FeatureViewRecord): Promise<ViewFreshnessState> {
    const now = this.deps.clock.now();
    const version = latestVersion(view).version;
    let latestEventTime: number | null = null;
    for (const s of await this.deps.runs.snapshots(view.name, version)) {
      if (s.maxEventTs !== null && (latestEventTime === null || s.maxEventTs > latestEventTime)) latestEventTime = s.maxEventTs;
    }
    const lastSuccessAt = await this.lastSuccess(view.name, version);
    const staleAfterSeconds = this.staleAfter(view);
    const age = (at: number | null) => (at === null ? null : (now - at) / 1000);
    const dataAgeSeconds = age(latestEventTime);
    return {
      featureView: view.name,
      version,
      latestEventTime,
      dataAgeSeconds,
      lastSuccessAt,
      lastSuccessAgeSeconds: age(lastSuccessAt),
      staleAfterSeconds,
      stale: dataAgeSeconds === null || (staleAfterSeconds !== null && dataAgeSeconds > staleAfterSeconds),
    };
  }

  private staleAfter(view: FeatureViewRecord): number | null {
    const { freshness, schedule, timezone } = view.metadata;
    if (freshness) return freshness.staleAfter;
    if (!schedule) return null;
    const ms = this.interval(schedule, timezone);
    return ms === null ? null : (2 * ms) / 1000;
  }

  private async lastSuccess(view: string, version: number): Promise<number | null> {
    let beforeId: number | undefined;
    for (;;) {
      const page = await this.deps.runs.list({ featureView: view, status: 'succeeded', limit: PAGE, ...(beforeId ? { beforeId } : {}) });
      const found = page.find((r) => r.trigger !== 'compaction' && r.version === version);
      if (found) return found.finishedAt;
      if (page.length < PAGE) return null;
      beforeId = page[page.length - 1].id;
    }
  }
}
