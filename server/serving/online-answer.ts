import type { TimestampFormatter } from '../domain/timestamp-formatter.js';
import type { OnlineTally } from '../metrics/online-tally.js';
import type { OnlineRecord } from '../online/online-store.js';
import { type OnlinePlan, echoed } from './online-plan.js';
import type { ParsedOnlineRequest } from './online-request.js';
import type { FeatureStatus, FeatureVector, OnlineResponse } from './online-response.js';

/** Protobuf's JSON form of Feast's empty timestamp (entity columns, NOT_FOUND values). */
export const EPOCH = '1970-01-01T00:00:00Z';
/** One-row answers share these (frozen: answers are read-only), sparing two arrays per feature. */
const one = (status: FeatureStatus) => Object.freeze([status]) as FeatureStatus[];
const ONE_PRESENT = one('PRESENT');
const ONE_NULL_VALUE = one('NULL_VALUE');
const ONE_NOT_FOUND = one('NOT_FOUND');
const ONE_OUTSIDE_MAX_AGE = one('OUTSIDE_MAX_AGE');
const ONE_EPOCH = Object.freeze([EPOCH]) as string[];

/**
 * Feast's answer to a planned request from the records read (per view, one per entity row): statuses
 * by the view's ttl at `now`, timestamps in `timestamps`' form, counted in `tally` when given.
 */
export function answerOnline(
  request: ParsedOnlineRequest,
  plan: OnlinePlan,
  found: (OnlineRecord | null)[][],
  now: number,
  timestamps: TimestampFormatter,
  tally: OnlineTally | undefined,
): OnlineResponse {
  if (request.rows === 1) return answerOne(request, plan, found, now, timestamps, tally);
  const rows = request.rows;
  if (tally) {
    tally.requests++;
    tally.rows += rows;
  }
  const names: string[] = [];
  const results: FeatureVector[] = [];
  const present = new Array<FeatureStatus>(rows).fill('PRESENT');
  const epochs = new Array<string>(rows).fill(EPOCH);
  for (const e of echoed(request, plan)) {
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
      stamps[v][i] = r ? timestamps.format(r.eventTs) : EPOCH;
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
function answerOne(request: ParsedOnlineRequest, plan: OnlinePlan, found: (OnlineRecord | null)[][], now: number, timestamps: TimestampFormatter, tally: OnlineTally | undefined): OnlineResponse {
  if (tally) {
    tally.requests++;
    tally.rows++;
  }
  const usual = request.entities.length === 1 && request.entities[0].name === plan.entityName && !request.keepEntityColumns;
  const entities = usual ? (plan.echoEntity ? request.entities : []) : echoed(request, plan);
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
    stamps[v] = r ? [timestamps.format(r.eventTs)] : ONE_EPOCH;
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
