import type * as arrow from '../vendor/arrow.cjs';
import { FEATURE_VERSIONS, LOG_TIMESTAMP, REQUEST_ID, statusColumn } from '../feature-logging/log-schema.js';
import type { KeyType } from '../domain/value-type.js';

/** Logged rows that share their keys, features and the view versions that served them. */
export interface LoggedGroup {
  versions: Record<string, number>;
  keys: { name: string; type: KeyType; values: (number | string)[] }[];
  /** `view__column`, as logged. */
  features: string[];
  /** Request time of each row (ms). */
  times: number[];
  /** Per feature, the values served. */
  values: unknown[][];
}

/** A value as the comparison sees it: int64 (bigint in Arrow) as a number, absent as null. */
export function plainValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  return value ?? null;
}

/**
 * Adds the rows of one log file with request times in [start, end] to `groups` (by signature), up to
 * `room` rows; returns how many it added and how many in range it left out. Keys are the columns
 * before `__request_id`; features are the columns that have a `__status` column beside them.
 */
export function addLoggedRows(table: arrow.Table, groups: Map<string, LoggedGroup>, range: { start: number; end: number }, room: number): { added: number; skipped: number } {
  const names = table.schema.fields.map((f) => f.name);
  const keyFields = table.schema.fields.slice(0, names.indexOf(REQUEST_ID));
  const features = names.filter((n) => names.includes(statusColumn(n)));
  const times = table.getChild(LOG_TIMESTAMP)!;
  const versions = table.getChild(FEATURE_VERSIONS)!;
  const keyColumns = keyFields.map((f) => table.getChild(f.name)!);
  const featureColumns = features.map((f) => table.getChild(f)!);
  let added = 0;
  let skipped = 0;
  for (let i = 0; i < table.numRows; i++) {
    const at = Number(times.get(i));
    if (at < range.start || at > range.end) continue;
    if (added >= room) {
      skipped++;
      continue;
    }
    const versionText = versions.get(i) as string;
    const signature = `${versionText}\u0000${keyFields.map((f) => `${f.name}:${f.type}`).join(',')}\u0000${features.join(',')}`;
    let group = groups.get(signature);
    if (!group) {
      group = {
        versions: JSON.parse(versionText) as Record<string, number>,
        keys: keyFields.map((f) => ({ name: f.name, type: String(f.type).startsWith('Int') ? 'int64' : 'string', values: [] })),
        features,
        times: [],
        values: features.map(() => []),
      };
      groups.set(signature, group);
    }
    for (let k = 0; k < keyColumns.length; k++) group.keys[k].values.push(plainValue(keyColumns[k].get(i)) as number | string);
    group.times.push(at);
    for (let f = 0; f < featureColumns.length; f++) group.values[f].push(plainValue(featureColumns[f].get(i)));
    added++;
  }
  return { added, skipped };
}
