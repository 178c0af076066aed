import type { Clock } from '../clock.js';
import { formatTimestamp } from '../domain/time.js';
import { conflict, notFound, validationError } from '../errors.js';
import type { CatalogCache } from '../registry/catalog-cache.js';
import type { NewRun, RunRecord, RunTrigger } from '../domain/run.js';
import type { RunStore } from '../registry/run-store.js';

export interface MaterializeRequest {
  start?: number | null;
  end?: number | null;
  version?: number | null;
  trigger: RunTrigger;
}

/**
 * The request's fields, as its errors name them: a Feast request spells them `feature_views[1]`,
 * `start_ts`, `end_ts`. Without `start` the window starts at the view's watermark, which no field gave.
 */
export interface RequestFields {
  name: string;
  version: string;
  start?: string;
  end: string;
}

const OWN_FIELDS: RequestFields = { name: 'name', version: 'version', start: 'start', end: 'end' };

/**
 * What the API and CLI ask of pipelines: queue a materialization (an incremental run, or a backfill
 * with start/end), wait for a run, refit a view. The queue lives in the registry, so whichever process
 * holds the scheduler lease executes the run.
 */
export class PipelineService {
  constructor(
    private readonly deps: {
      catalog: CatalogCache;
      runs: RunStore;
      clock: Clock;
      maxAttempts: number;
      /** Nudges the local runner, when this process has one. */
      wake?: () => void;
    },
  ) {}

  async materialize(viewName: string, request: MaterializeRequest): Promise<RunRecord> {
    const [run] = await this.materializeAll([{ view: viewName, request }]);
    return run;
  }

  /**
   * Queues one run per view, all or none: every view, version and window is checked, and no view may
   * be asked for twice, before the run store queues them in one transaction, which refuses them all
   * when any view has an active run (whoever queued it, however late). Queued, a run runs and commits,
   * so a request refused halfway must not leave the runs of the views before it behind.
   */
  async materializeAll(items: { view: string; request: MaterializeRequest; fields?: RequestFields }[]): Promise<RunRecord[]> {
    const runs: NewRun[] = [];
    for (const { view, request, fields = OWN_FIELDS } of items) {
      if (runs.some((r) => r.featureView === view)) {
        throw conflict(`feature view '${view}' is asked for twice; a view never runs twice at once`, [{ path: fields.name, message: 'listed twice' }]);
      }
      runs.push(await this.check(view, request, fields));
    }
    const queued = await this.deps.runs.enqueueAll(
      runs,
      this.deps.clock.now(),
      items.map((i) => (i.fields ?? OWN_FIELDS).name),
    );
    this.deps.wake?.();
    return queued;
  }

  /** The run `materialize` would queue, or the error it would throw (naming the caller's `fields`). */
  private async check(viewName: string, request: MaterializeRequest, fields: RequestFields): Promise<NewRun> {
    // The catalog as stored, not as cached: a materialize right after an apply made in another process
    // runs the version just applied (the cache follows it moments later).
    const view = (await this.deps.catalog.latest()).featureViews.get(viewName);
    if (!view) throw notFound('feature view', viewName, fields.name);
    const latest = view.versions[view.versions.length - 1].version;
    const version = request.version ?? latest;
    if (!view.versions.some((v) => v.version === version)) throw notFound(`version of feature view '${viewName}'`, version, fields.version);
    const start = request.start ?? null;
    let end = request.end ?? null;
    if (start !== null && end === null) end = this.deps.clock.now();
    if (start !== null && end !== null && start >= end) {
      if (fields.start !== undefined) throw validationError(`${fields.start} must be before ${fields.end}`, [{ path: fields.start, message: `must be before ${fields.end}` }]);
      // The start is the view's watermark: the rows up to it were read already.
      throw validationError(`${fields.end} must be after the watermark of feature view '${viewName}' version ${version} (${formatTimestamp(start)})`, [
        { path: fields.end, message: `must be after the watermark of feature view '${viewName}' (${formatTimestamp(start)})` },
      ]);
    }
    const now = this.deps.clock.now();
    // A window ending after now would move the watermark past rows not written yet: they would never be read.
    if (end !== null && end > now) throw validationError(`${fields.end} is in the future`, [{ path: fields.end, message: `must not be later than now (${formatTimestamp(now)})` }]);
    return { featureView: viewName, version, trigger: request.trigger, start, end, maxAttempts: this.deps.maxAttempts };
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

  /**
   * A new version with the latest definition and no state, and the run that fits it afresh: both or
   * neither. While the view has an active run (whoever queued it, however late), the run store refuses
   * them together, as materialize is refused: a version no run fits would wait for the next one.
   */
  async refit(viewName: string): Promise<{ version: number; run: RunRecord }> {
    const view = (await this.deps.catalog.latest()).featureViews.get(viewName);
    if (!view) throw notFound('feature view', viewName, 'name');
    const run = await this.deps.runs.enqueueRefit({ featureView: viewName, trigger: 'refit', start: null, end: null, maxAttempts: this.deps.maxAttempts }, this.deps.clock.now());
    await this.deps.catalog.refresh();
    this.deps.wake?.();
    return { version: run.version, run };
  }
}
