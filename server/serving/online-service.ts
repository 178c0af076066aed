import type { Clock } from '../clock.js';
import { TimestampFormatter } from '../domain/timestamp-formatter.js';
import { TesseraError } from '../errors.js';
import type { LogSchema } from '../feature-logging/log-schema.js';
import { keepKey } from '../feature-logging/log-sample.js';
import type { FeatureLogSink } from '../feature-logging/served-request.js';
import type { OnlineTally } from '../metrics/online-tally.js';
import type { KeyValue, OnlineRecord, OnlineStore } from '../online/online-store.js';
import type { Catalog } from '../registry/catalog.js';
import { EPOCH, answerOnline } from './online-answer.js';
import { writeOnlineJson } from './online-json.js';
import { foldLists } from './online-lists.js';
import { type OnlinePlan, buildPlan, samePlanInputs } from './online-plan.js';
import { type ParsedOnlineRequest, entityColumn, keyColumn, parseOnlineRequest } from './online-request.js';
import type { OnlineResponse } from './online-response.js';

/**
 * The online read path: Feast-shaped request in, Feast-shaped answer out. Definitions come from the
 * in-memory catalog (never the registry); a request's plan (views, columns, names and the store's
 * prepared reads) is cached per feature list until the catalog changes, and the last plan is checked
 * first, since a service sends the same list again and again.
 */
export class OnlineService {
  private plans = new Map<string, OnlinePlan>();
  private last: OnlinePlan | null = null;
  private planRevision = -1;
  private readonly timestamps = new TimestampFormatter('protobuf');

  constructor(
    private readonly deps: {
      catalog: () => Catalog;
      store: OnlineStore;
      clock: Clock;
      maxRows: number;
      /** Where answers of feature services with `logging:` go (the feature log's queue). */
      featureLog?: FeatureLogSink;
      /** Counts rows and statuses served (metrics); a plain object, so counting costs an add. */
      tally?: OnlineTally;
      /** Told of an online store that failed a read (metrics). */
      onStoreError?: (e: unknown) => void;
      /** Reloads the catalog when another process changed it; true when it had (a miss is then tried again). */
      reloadIfMoved?: () => Promise<boolean>;
    },
  ) {}

  async get(body: unknown, requestId?: string): Promise<OnlineResponse> {
    const request = parseOnlineRequest(body, this.deps.maxRows);
    const planned = this.planOrReload(request);
    const plan = planned instanceof Promise ? await planned : planned;
    const found = await this.read(request, plan);
    const answer = answerOnline(request, plan, found, this.deps.clock.now(), this.timestamps, this.deps.tally);
    if (plan.log !== null) this.logServed(plan.log, request, answer, found, requestId);
    return this.fold(plan, answer, found);
  }

  private async read(request: ParsedOnlineRequest, plan: OnlinePlan): Promise<(OnlineRecord | null)[][]> {
    if (request.rows === 0) return this.noRecords(request, plan);
    // Keys first, outside the try: a bad key is the caller's 400, not a store error in the metrics.
    const keys = plan.reads.map((_, v) => this.keys(request, plan, v));
    try {
      return await Promise.all(plan.reads.map((read, v) => read.read(keys[v])));
    } catch (e) {
      this.deps.onStoreError?.(e);
      throw e;
    }
  }

  /**
   * `get`, written as Feast writes it: float64 values always with a decimal point or exponent (`1.0`:
   * Feast's Python client types a bare `1` INT64), timestamps in protobuf's JSON form.
   */
  async getJson(body: unknown, requestId?: string): Promise<string> {
    const request = parseOnlineRequest(body, this.deps.maxRows);
    const planned = this.planOrReload(request);
    const plan = planned instanceof Promise ? await planned : planned;
    const found = await this.read(request, plan);
    const answer = answerOnline(request, plan, found, this.deps.clock.now(), this.timestamps, this.deps.tally);
    if (plan.log !== null) this.logServed(plan.log, request, answer, found, requestId);
    const leading = answer.results.length - plan.floats.length;
    if (plan.folded === null) return writeOnlineJson(answer, leading, plan.floats);
    return writeOnlineJson(this.fold(plan, answer, found), leading, plan.foldedFloats);
  }

  /** `get` without a Promise, for stores that read synchronously (the embedded one, in process). */
  getSync(body: unknown): OnlineResponse {
    if (!this.deps.store.synchronousReads) {
      throw new TesseraError('unsupported', 'getOnlineFeaturesSync needs the embedded online store (online.db); this online store answers asynchronously: use getOnlineFeatures');
    }
    const request = parseOnlineRequest(body, this.deps.maxRows);
    const plan = this.plan(request);
    const found = request.rows === 0 ? this.noRecords(request, plan) : this.readSync(request, plan);
    const answer = answerOnline(request, plan, found, this.deps.clock.now(), this.timestamps, this.deps.tally);
    if (plan.log !== null) this.logServed(plan.log, request, answer, found, undefined);
    return this.fold(plan, answer, found);
  }

  private readSync(request: ParsedOnlineRequest, plan: OnlinePlan): (OnlineRecord | null)[][] {
    const found = new Array<(OnlineRecord | null)[]>(plan.reads.length);
    for (let v = 0; v < plan.reads.length; v++) {
      const keys = this.keys(request, plan, v);
      try {
        found[v] = plan.reads[v].readSync!(keys);
      } catch (e) {
        this.deps.onStoreError?.(e);
        throw e;
      }
    }
    return found;
  }

  /**
   * Zero entity rows: no records, and no store asked for none (no backend's read is trusted with zero
   * keys). The key columns are still checked, so a request missing one is refused as a read would.
   */
  private noRecords(request: ParsedOnlineRequest, plan: OnlinePlan): (OnlineRecord | null)[][] {
    const found = new Array<(OnlineRecord | null)[]>(plan.reads.length);
    for (let v = 0; v < plan.reads.length; v++) {
      this.keys(request, plan, v);
      found[v] = [];
    }
    return found;
  }

  /** The answer with list-answered one-hot features folded into one column each (logging saw the columns). */
  private fold(plan: OnlinePlan, answer: OnlineResponse, found: (OnlineRecord | null)[][]): OnlineResponse {
    if (plan.folded === null) return answer;
    const views = plan.resolved.views;
    return foldLists(answer, answer.results.length - plan.floats.length, plan.folded, {
      found,
      ttlMs: (v) => views[v].ttl * 1000,
      now: this.deps.clock.now(),
      stamp: (ts) => this.timestamps.format(ts),
      epoch: EPOCH,
      tally: this.deps.tally,
    });
  }

  /**
   * Hands an answer of a logged feature service to the feature log: references only, plus the rows
   * its keys' hash keeps when the sample rate is below 1. The writer does the rest off this path.
   */
  private logServed(schema: LogSchema, request: ParsedOnlineRequest, answer: OnlineResponse, found: (OnlineRecord | null)[][], requestId: string | undefined): void {
    const sink = this.deps.featureLog;
    // Zero rows: nothing to log (an empty batch would still be written as a file).
    if (sink === undefined || request.rows === 0) return;
    const keys = schema.keys.map((k) => entityColumn(request, k)!.values);
    let rows: number[] | null = null;
    if (schema.sampleRate < 1) {
      rows = [];
      const tuple = new Array<KeyValue>(keys.length);
      for (let i = 0; i < request.rows; i++) {
        for (let k = 0; k < keys.length; k++) tuple[k] = keys[k][i] as KeyValue;
        if (keepKey(tuple, schema.sampleRate)) rows.push(i);
      }
      if (rows.length === 0) return;
    }
    const offset = answer.results.length - schema.features.length;
    sink.offer({ schema, requestId, at: this.deps.clock.now(), keys, rows, count: rows === null ? request.rows : rows.length, results: answer.results, offset, found });
  }

  /**
   * `plan`, tried again once when it names something the cached catalog does not hold and the stored
   * catalog has moved since (a view another process just created). No Promise on the way that finds it.
   */
  private planOrReload(request: ParsedOnlineRequest): OnlinePlan | Promise<OnlinePlan> {
    try {
      return this.plan(request);
    } catch (e) {
      const reload = this.deps.reloadIfMoved;
      if (reload === undefined || !(e instanceof TesseraError) || e.code !== 'not_found') throw e;
      return reload().then((moved) => {
        if (!moved) throw e;
        return this.plan(request);
      });
    }
  }

  private plan(request: ParsedOnlineRequest): OnlinePlan {
    const catalog = this.deps.catalog();
    if (catalog.revision !== this.planRevision) {
      this.plans = new Map();
      this.last = null;
      this.planRevision = catalog.revision;
    }
    if (this.last && samePlanInputs(this.last, request)) return this.last;
    const cacheKey = `${request.featureService ?? ''}\u0000${request.fullFeatureNames ? 1 : 0}\u0000${request.features?.join('\u0000') ?? ''}`;
    let plan = this.plans.get(cacheKey);
    if (!plan) {
      plan = buildPlan(catalog, request, this.deps.store);
      if (this.plans.size < 10_000) this.plans.set(cacheKey, plan);
    }
    this.last = plan;
    return plan;
  }

  /** Key tuples for view `v`, one per entity row. */
  private keys(request: ParsedOnlineRequest, plan: OnlinePlan, v: number): KeyValue[][] {
    const keys = plan.resolved.views[v].keys;
    if (keys.length === 1 && request.rows === 1) return [keyColumn(request, keys[0])];
    const columns = keys.map((k) => keyColumn(request, k));
    const out = new Array<KeyValue[]>(request.rows);
    for (let i = 0; i < request.rows; i++) {
      const tuple = new Array<KeyValue>(columns.length);
      for (let k = 0; k < columns.length; k++) tuple[k] = columns[k][i];
      out[i] = tuple;
    }
    return out;
  }
}
