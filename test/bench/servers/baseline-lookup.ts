import Database from 'better-sqlite3';

/** The only request shape the baselines understand: `view:feature` references and one int64 key column. */
export interface BaselineRequest {
  features: string[];
  entities: Record<string, number[]>;
}

// Protobuf's JSON form, as Feast (and Tessera) write timestamps: no fraction when it is zero.
const EPOCH = '1970-01-01T00:00:00Z';
const feastTime = (ms: number) => (ms % 1000 === 0 ? new Date(ms).toISOString().replace('.000Z', 'Z') : new Date(ms).toISOString());

/**
 * The least a server must do to answer Feast's get-online-features from Tessera's online table: one
 * prepared primary-key lookup per entity row, and the Feast answer (values, statuses, timestamps).
 * No validation, no registry, no versions: what Tessera's serving layer adds is what the ratio shows.
 * The connection is set up as the online store sets up its own (mmap, page cache), so the SQLite
 * work is the same on both sides.
 */
export function openBaselineLookup(dbFile: string): (request: BaselineRequest) => unknown {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  db.pragma('mmap_size = 268435456');
  db.pragma('cache_size = -65536');
  const statements = new Map<string, { get: (key: number) => unknown[] | undefined; names: string[] }>();
  const prepare = (features: string[]) => {
    const cacheKey = features.join(',');
    let cached = statements.get(cacheKey);
    if (!cached) {
      const view = features[0].split(':')[0];
      const names = features.map((f) => f.split(':')[1]);
      const statement = db.prepare(`SELECT _event_ts, ${names.map((n) => `"${n}"`).join(', ')} FROM "fv_${view}_v1" WHERE driver_id = ?`).raw();
      cached = { get: (key) => statement.get(key) as unknown[] | undefined, names };
      statements.set(cacheKey, cached);
    }
    return cached;
  };
  return (request) => {
    const { get, names } = prepare(request.features);
    const [keyName, keys] = Object.entries(request.entities)[0];
    const rows = keys.map((k) => get(k));
    const stamps = rows.map((r) => (r ? feastTime(r[0] as number) : EPOCH));
    const results = [{ values: keys, statuses: keys.map(() => 'PRESENT'), event_timestamps: keys.map(() => EPOCH) }];
    for (let f = 0; f < names.length; f++) {
      const values = rows.map((r) => (r ? r[f + 1] : null));
      const statuses = rows.map((r, i) => (r === undefined ? 'NOT_FOUND' : values[i] === null ? 'NULL_VALUE' : 'PRESENT'));
      results.push({ values: values as number[], statuses, event_timestamps: stamps });
    }
    return { metadata: { feature_names: [keyName, ...names] }, results };
  };
}
