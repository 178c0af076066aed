import type { Clock } from '../clock.js';
import { TimestampFormatter } from '../domain/timestamp-formatter.js';
import { TesseraError } from '../errors.js';
import { type LogSchema, logSchema } from '../feature-logging/log-schema.js';
import { keepKey } from '../feature-logging/log-sample.js';
import type { FeatureLogSink } from '../feature-logging/served-request.js';
import type { KeyValue, OnlineRecord, OnlineStore, PreparedRead } from '../online/online-store.js';
import type { OnlineTally } from '../metrics/online-tally.js';
import type { Catalog } from '../registry/catalog.js';
import { type AnswerColumn, answerColumns } from './answer-columns.js';
import { writeOnlineJson } from './online-json.js';
import { foldLists } from './online-lists.js';
import { type ParsedOnlineRequest, entityColumn, keyColumn, parseOnlineRequest } from './online-request.js';
import { type ResolvedFeatures, resolveFeatures } from './resolve-features.js';

export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface FeatureVector {
  values: unknown[];
  statuses: FeatureStatus[];
  /** Shared by the features of one view in an answer. Answers are read-only (some arrays are frozen). */
  event_timestamps: string[];
}

/** Feast's get-online-features answer: column-major, one `results` entry per name. */
export interface OnlineResponse {
  metadata: { feature_names: string[]; feature_view_metadata?: { name: string; version: number }[] };
  results: FeatureVector[];
}

/** Protobuf's JSON form of Feast's empty timestamp (entity columns, NOT_FOUND values). */
const EPOCH = '1970-01-01T00:00:00Z';
/** One-row answers share these (frozen: answers are read-only), sparing two arrays per feature. */
const one = (status: FeatureStatus) => Object.freeze([status]) as FeatureStatus[];
const ONE_PRESENT = one('PRESENT');
const ONE_NULL_VALUE = one('NULL_VALUE');
const ONE_NOT_FOUND = one('NOT_FOUND');
const ONE_OUTSIDE_MAX_AGE = one('OUTSIDE_MAX_AGE');
const ONE_EPOCH = Object.freeze([EPOCH]) as string[];

/** What a (features, full names) pair resolves to, cached per catalog revision. */
interface Plan {
  featureService: string | undefined;
  fullFeatureNames: boolean;
  features: string[] | undefined;
  resolved: ResolvedFeatures;
  reads: PreparedRead[];
  names: string[];
  /** Per answer feature column: whether its values are float64 (written with a decimal point). */
  floats: boolean[];
  /** For the usual one-column request: the column's name as given, whether the answer echoes it and the answer's names. */
  entityName: string | null;
  echoEntity: boolean;
  namesWithEntity: string[];
  viewMetadata: { name: string; version: number }[];
  /** The feature service's log schema when it logs what it serves (`logging:`), else null. */
  log: LogSchema | null;
  /** The answer's columns when a one-hot feature answers as a list (folded after logging), else null. */
  folded: AnswerColumn[] | null;
  /** `floats` of the folded answer's columns. */
  foldedFloats: boolean[];
}

/**
 * The online read path: Feast-shaped request in, Feast-shaped answer out. Definitions come from the
 * in-memory catalog (never the registry); a request's plan (views, columns, names and the store's
 * prepared reads) is cached per feature list until the catalog changes, and the last plan is checked
 * first, since a service sends the same list again and again.
 */
export class OnlineService {
  private plans = new Map<string, Plan>();
  private last: Plan | null = null;
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
    const answer = this.answer(request, plan, found);
    if (plan.log !== null) this.logServed(plan.log, request, answer, found, requestId);
    return this.fold(plan, answer, found);
  }

  private async read(request: ParsedOnlineRequest, plan: Plan): Promise<(OnlineRecord | null)[][]> {
    try {
      return await Promise.all(plan.reads.map((read, v) => read.read(this.keys(request, plan, v))));
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
    const answer = this.answer(request, plan, found);
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
    const found = new Array<(OnlineRecord | null)[]>(plan.reads.length);
    for (let v = 0; v < plan.reads.length; v++) {
      const read = plan.reads[v];
      try {
        found[v] = read.readSync!(this.keys(request, plan, v));
      } catch (e) {
        this.deps.onStoreError?.(e);
        throw e;
      }
    }
    const answer = this.answer(request, plan, found);
    if (plan.log !== null) this.logServed(plan.log, request, answer, found, undefined);
    return this.fold(plan, answer, found);
  }

  /** The answer with list-answered one-hot features folded into one column each (logging saw the columns). */
  private fold(plan: Plan, answer: OnlineResponse, found: (OnlineRecord | null)[][]): OnlineResponse {
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
    if (sink === undefined) return;
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
  private planOrReload(request: ParsedOnlineRequest): Plan | Promise<Plan> {
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

  private plan(request: ParsedOnlineRequest): Plan {
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
      const resolved = resolveFeatures(catalog, { features: request.features, featureService: request.featureService, fullFeatureNames: request.fullFeatureNames });
      plan = {
        featureService: request.featureService,
        fullFeatureNames: request.fullFeatureNames,
        features: request.features?.slice(),
        resolved,
        reads: resolved.views.map((v) =>
          this.deps.store.prepareRead(
            { view: v.view.name, version: v.version.version, keys: v.keys.map((k) => ({ name: k.name, type: k.type })), columns: v.columns.map((c) => ({ name: c.column, type: c.type })) },
            v.columns.map((c) => c.column),
          ),
        ),
        names: resolved.order.map((o) => resolved.views[o.view].columns[o.column].outputName),
        floats: resolved.order.map((o) => resolved.views[o.view].columns[o.column].type === 'float64'),
        entityName: null,
        echoEntity: false,
        namesWithEntity: [],
        viewMetadata: resolved.views.map((v) => ({ name: v.view.name, version: v.version.version })),
        log: null,
        folded: null,
        foldedFloats: [],
      };
      if (resolved.lists.length > 0) {
        plan.folded = answerColumns(resolved);
        plan.foldedFloats = plan.folded.map((c) => !c.list && plan!.floats[c.parts[0]]);
      }
      const logging = request.featureService === undefined ? undefined : catalog.featureServices.get(request.featureService)?.spec.logging;
      if (logging !== undefined) plan.log = logSchema(request.featureService!, logging.sampleRate, resolved);
      if (request.entities.length === 1) {
        const echo = this.echoed(request, plan);
        plan.entityName = request.entities[0].name;
        plan.echoEntity = echo.length === 1;
        plan.namesWithEntity = [...echo.map((e) => e.name), ...plan.names];
      }
      if (this.plans.size < 10_000) this.plans.set(cacheKey, plan);
    }
    this.last = plan;
    return plan;
  }

  /**
   * The entity columns the answer starts with: those that are join keys of the views read, named by
   * the key (a column given by its entity's name answers as the key), in the order given; Feast drops
   * the others. `tessera_keep_entity_columns` keeps them all, as given.
   */
  private echoed(request: ParsedOnlineRequest, plan: Plan): { name: string; values: unknown[] }[] {
    if (request.keepEntityColumns) return request.entities;
    const out: { name: string; values: unknown[] }[] = [];
    for (const e of request.entities) {
      const key = plan.resolved.keys.find((k) => k.name === e.name) ?? plan.resolved.keys.find((k) => k.entity === e.name && !request.entities.some((x) => x.name === k.name));
      if (key && entityColumn(request, key) === e) out.push({ name: key.name, values: e.values });
    }
    return out;
  }

  /** Key tuples for view `v`, one per entity row. */
  private keys(request: ParsedOnlineRequest, plan: Plan, v: number): KeyValue[][] {
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

  private answer(request: ParsedOnlineRequest, plan: Plan, found: (OnlineRecord | null)[][]): OnlineResponse {
    if (request.rows === 1) return this.answerOne(request, plan, found);
    const rows = request.rows;
    const tally = this.deps.tally;
    if (tally) {
      tally.requests++;
      tally.rows += rows;
    }
    const now = this.deps.clock.now();
    const names: string[] = [];
    const results: FeatureVector[] = [];
    const present = new Array<FeatureStatus>(rows).fill('PRESENT');
    const epochs = new Array<string>(rows).fill(EPOCH);
    for (const e of this.echoed(request, plan)) {
      names.push(e.name);
      results.push({ values: e.values.slice(), statuses: present, event_timestamps: epochs });
    }
    // Per view and row: the timestamp text and whether the row is older than the ttl, computed once.
    const stamps = new Array<string[]>(found.length);
    const stale = new Array<boolean[]>(found.length);
    for (let v = 0; v < found.length; v++) {
      const ttlMs = plan.resolved.views[v].ttl * 1000;
      const records = found[v];
      stamps[v] = new Array<string>(rows);
      stale[v] = new Array<boolean>(rows);
      for (let i = 0; i < rows; i++) {
        const r = records[i];
        stamps[v][i] = r ? this.timestamps.format(r.eventTs) : EPOCH;
        stale[v][i] = r !== null && ttlMs > 0 && r.eventTs < now - ttlMs;
      }
    }
    const order = plan.resolved.order;
    for (let o = 0; o < order.length; o++) {
      const { view, column } = order[o];
      const records = found[view];
      const values = new Array<unknown>(rows);
      const statuses = new Array<FeatureStatus>(rows);
      for (let i = 0; i < rows; i++) {
        const r = records[i];
        if (r === null) {
          values[i] = null;
          statuses[i] = 'NOT_FOUND';
          continue;
        }
        const value = r.values[column];
        values[i] = value;
        statuses[i] = stale[view][i] ? 'OUTSIDE_MAX_AGE' : value === null ? 'NULL_VALUE' : 'PRESENT';
      }
      if (tally) for (let i = 0; i < rows; i++) tally[statuses[i]]++;
      names.push(plan.names[o]);
      results.push({ values, statuses, event_timestamps: stamps[view] });
    }
    return { metadata: request.versionMetadata ? { feature_names: names, feature_view_metadata: plan.viewMetadata } : { feature_names: names }, results };
  }

  /** One entity row, the common inference call: the same answer with fewer allocations. */
  private answerOne(request: ParsedOnlineRequest, plan: Plan, found: (OnlineRecord | null)[][]): OnlineResponse {
    const now = this.deps.clock.now();
    const tally = this.deps.tally;
    if (tally) {
      tally.requests++;
      tally.rows++;
    }
    const usual = request.entities.length === 1 && request.entities[0].name === plan.entityName && !request.keepEntityColumns;
    const entities = usual ? (plan.echoEntity ? request.entities : []) : this.echoed(request, plan);
    const order = plan.resolved.order;
    const results = new Array<FeatureVector>(entities.length + order.length);
    for (let e = 0; e < entities.length; e++) results[e] = { values: [entities[e].values[0]], statuses: ONE_PRESENT, event_timestamps: ONE_EPOCH };
    // Per view: its record, its timestamp text, and the statuses of a found value (stale or not).
    const views = plan.resolved.views;
    const stamps = new Array<string[]>(found.length);
    const staleness = new Array<boolean>(found.length);
    for (let v = 0; v < found.length; v++) {
      const r = found[v][0];
      const ttlMs = views[v].ttl * 1000;
      stamps[v] = r ? [this.timestamps.format(r.eventTs)] : ONE_EPOCH;
      staleness[v] = r !== null && ttlMs > 0 && r.eventTs < now - ttlMs;
    }
    for (let o = 0, at = entities.length; o < order.length; o++, at++) {
      const { view, column } = order[o];
      const r = found[view][0];
      if (r === null) {
        results[at] = { values: [null], statuses: ONE_NOT_FOUND, event_timestamps: ONE_EPOCH };
        if (tally) tally.NOT_FOUND++;
        continue;
      }
      const value = r.values[column];
      const statuses = staleness[view] ? ONE_OUTSIDE_MAX_AGE : value === null ? ONE_NULL_VALUE : ONE_PRESENT;
      results[at] = { values: [value], statuses, event_timestamps: stamps[view] };
      if (tally) tally[statuses[0]]++;
    }
    const names = usual ? plan.namesWithEntity : [...entities.map((e) => e.name), ...plan.names];
    return { metadata: request.versionMetadata ? { feature_names: names, feature_view_metadata: plan.viewMetadata } : { feature_names: names }, results };
  }
}

function samePlanInputs(plan: Plan, request: ParsedOnlineRequest): boolean {
  if (plan.featureService !== request.featureService || plan.fullFeatureNames !== request.fullFeatureNames) return false;
  const a = plan.features;
  const b = request.features;
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
