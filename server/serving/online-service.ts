import type { Clock } from '../clock.js';
import { formatTimestamp } from '../domain/time.js';
import { TesseraError } from '../errors.js';
import type { KeyValue, OnlineRecord, OnlineStore, OnlineTable } from '../online/online-store.js';
import type { Catalog } from '../registry/catalog.js';
import { type ParsedOnlineRequest, keyColumn, parseOnlineRequest } from './online-request.js';
import { type ResolvedFeatures, resolveFeatures } from './resolve-features.js';

export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface FeatureVector {
  values: unknown[];
  statuses: FeatureStatus[];
  event_timestamps: string[];
}

/** Feast's get-online-features answer: column-major, one `results` entry per name. */
export interface OnlineResponse {
  metadata: { feature_names: string[] };
  results: FeatureVector[];
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** What a (features, full names) pair resolves to, cached per catalog revision. */
interface Plan {
  resolved: ResolvedFeatures;
  tables: OnlineTable[];
  columns: string[][];
  names: string[];
}

/**
 * The online read path: Feast-shaped request in, Feast-shaped answer out. Definitions come from the
 * in-memory catalog (never the registry), plans are cached per feature list until the catalog
 * changes, and the store's prepared statements are cached per (table, columns).
 */
export class OnlineService {
  private plans = new Map<string, Plan>();
  private planRevision = -1;

  constructor(
    private readonly deps: {
      catalog: () => Catalog;
      store: OnlineStore;
      clock: Clock;
      maxRows: number;
    },
  ) {}

  async get(body: unknown): Promise<OnlineResponse> {
    const request = parseOnlineRequest(body, this.deps.maxRows);
    const plan = this.plan(request);
    const found = await Promise.all(plan.tables.map((t, v) => this.deps.store.read(t, this.keys(request, plan, v), plan.columns[v])));
    return this.answer(request, plan, found);
  }

  /** `get` without a Promise, for stores that read synchronously (SQLite, in process). */
  getSync(body: unknown): OnlineResponse {
    const readSync = this.deps.store.readSync;
    if (!readSync) throw new TesseraError('internal', 'this online store cannot be read synchronously');
    const request = parseOnlineRequest(body, this.deps.maxRows);
    const plan = this.plan(request);
    const found = plan.tables.map((t, v) => readSync.call(this.deps.store, t, this.keys(request, plan, v), plan.columns[v]));
    return this.answer(request, plan, found);
  }

  private plan(request: ParsedOnlineRequest): Plan {
    const catalog = this.deps.catalog();
    if (catalog.revision !== this.planRevision) {
      this.plans = new Map();
      this.planRevision = catalog.revision;
    }
    const cacheKey = `${request.featureService ?? ''}\u0000${request.fullFeatureNames ? 1 : 0}\u0000${request.features?.join('\u0000') ?? ''}`;
    let plan = this.plans.get(cacheKey);
    if (!plan) {
      const resolved = resolveFeatures(catalog, { features: request.features, featureService: request.featureService, fullFeatureNames: request.fullFeatureNames });
      plan = {
        resolved,
        tables: resolved.views.map((v) => ({ view: v.view.name, version: v.version.version, keys: v.keys, columns: v.columns.map((c) => ({ name: c.column, type: c.type })) })),
        columns: resolved.views.map((v) => v.columns.map((c) => c.column)),
        names: resolved.order.map((o) => resolved.views[o.view].columns[o.column].outputName),
      };
      if (this.plans.size < 10_000) this.plans.set(cacheKey, plan);
    }
    return plan;
  }

  /** Key tuples for view `v`, one per entity row. */
  private keys(request: ParsedOnlineRequest, plan: Plan, v: number): KeyValue[][] {
    const columns = plan.resolved.views[v].keys.map((k) => keyColumn(request, k));
    const out = new Array<KeyValue[]>(request.rows);
    for (let i = 0; i < request.rows; i++) {
      const tuple = new Array<KeyValue>(columns.length);
      for (let k = 0; k < columns.length; k++) tuple[k] = columns[k][i];
      out[i] = tuple;
    }
    return out;
  }

  private answer(request: ParsedOnlineRequest, plan: Plan, found: (OnlineRecord | null)[][]): OnlineResponse {
    const rows = request.rows;
    const now = this.deps.clock.now();
    const names: string[] = [];
    const results: FeatureVector[] = [];
    for (const e of request.entities) {
      names.push(e.name);
      results.push({ values: e.values.slice(), statuses: new Array<FeatureStatus>(rows).fill('PRESENT'), event_timestamps: new Array<string>(rows).fill(EPOCH) });
    }
    // Per view and row: the row's timestamp text and whether it is older than the ttl, computed once.
    const stamps = found.map((records) => records.map((r) => (r ? formatTimestamp(r.eventTs) : EPOCH)));
    const stale = found.map((records, v) => {
      const ttl = plan.resolved.views[v].ttl;
      return records.map((r) => r !== null && ttl > 0 && r.eventTs < now - ttl * 1000);
    });
    for (let o = 0; o < plan.resolved.order.length; o++) {
      const { view, column } = plan.resolved.order[o];
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
      names.push(plan.names[o]);
      results.push({ values, statuses, event_timestamps: stamps[view].slice() });
    }
    return { metadata: { feature_names: names }, results };
  }
}
