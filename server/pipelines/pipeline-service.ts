import type { Clock } from '../clock.js';
import { formatTimestamp } from '../domain/time.js';
import { conflict, notFound, validationError } from '../errors.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { CatalogStore } from '../registry/catalog-store.js';
import type { RunRecord, RunTrigger } from '../domain/run.js';
import type { RunStore } from '../registry/run-store.js';

export interface MaterializeRequest {
  start?: number | null;
  end?: number | null;
  version?: number | null;
  trigger: RunTrigger;
}

/**
 * What the API and CLI ask of pipelines: queue a materialization (an incremental run, or a backfill
 * with start/end), wait for a run, refit a view. The queue lives in the registry, so whichever process
 * holds the scheduler lease executes the run.
 */
export class PipelineService {
  constructor(
    private readonly deps: {
      catalog: CatalogCache;
      catalogStore: CatalogStore;
      runs: RunStore;
      clock: Clock;
      maxAttempts: number;
      /** Nudges the local runner, when this process has one. */
      wake?: () => void;
    },
  ) {}

  async materialize(viewName: string, request: MaterializeRequest): Promise<RunRecord> {
    const view = (await this.deps.catalog.get()).featureViews.get(viewName);
    if (!view) throw notFound('feature view', viewName, 'name');
    const latest = view.versions[view.versions.length - 1].version;
    const version = request.version ?? latest;
    if (!view.versions.some((v) => v.version === version)) throw notFound(`version of feature view '${viewName}'`, version, 'version');
    const start = request.start ?? null;
    let end = request.end ?? null;
    if (start !== null && end === null) end = this.deps.clock.now();
    if (start !== null && end !== null && start >= end) throw validationError('start must be before end', [{ path: 'start', message: 'must be before end' }]);
    const now = this.deps.clock.now();
    // A window ending after now would move the watermark past rows not written yet: they would never be read.
    if (end !== null && end > now) throw validationError('end is in the future', [{ path: 'end', message: `must not be later than now (${formatTimestamp(now)})` }]);
    const run = await this.deps.runs.enqueue({ featureView: viewName, version, trigger: request.trigger, start, end, maxAttempts: this.deps.maxAttempts }, now);
    this.deps.wake?.();
    return run;
  }

  /** Resolves with the run once it has succeeded or failed (a retried run keeps being waited for). */
  async waitFor(runId: number, options: { timeoutMs: number; pollMs?: number } = { timeoutMs: 3_600_000 }): Promise<RunRecord> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const run = await this.deps.runs.get(runId);
      if (!run) throw notFound('run', runId);
      if (run.status === 'succeeded' || run.status === 'failed' || Date.now() > deadline) {
        // The run may have fitted a version in another thread or process: answer with a fresh catalog.
        await this.deps.catalog.refresh();
        return run;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 50));
    }
  }

  /** A new version with the latest definition and no state: its first run fits afresh. Queues that run. */
  async refit(viewName: string): Promise<{ version: number; run: RunRecord | null }> {
    const view = (await this.deps.catalog.get()).featureViews.get(viewName);
    if (!view) throw notFound('feature view', viewName, 'name');
    // A refit while a run is active would make a version that no run fits: refuse it, as materialize does.
    for (const status of ['running', 'queued'] as const) {
      const [active] = await this.deps.runs.list({ featureView: viewName, status, limit: 1 });
      if (active) throw conflict(`feature view '${viewName}' has run ${active.id} ${status}; refit once it has finished`, [{ path: 'name', message: `run ${active.id} is ${status}` }]);
    }
    const version = await this.deps.catalogStore.addRefitVersion(viewName);
    await this.deps.catalog.refresh();
    let run: RunRecord | null = null;
    try {
      run = await this.materialize(viewName, { version, trigger: 'refit' });
    } catch {
      // A run of the view is already queued or running: the new version waits for the next one.
    }
    return { version, run };
  }
}
