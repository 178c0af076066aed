import fs from 'node:fs';
import path from 'node:path';
import { runChild } from './child.js';
import { seeded } from '../support/seeded.js';
import { pipelineBundle } from './data.js';

/** The online scenarios read this view: one row per driver id 1..rows, 50 float features f1..f50. */
export const ONLINE_VIEW = 'bench_online';
export const ONLINE_FEATURES = 50;
export const ONLINE_TABLE = `fv_${ONLINE_VIEW}_v1`;

/** The first `n` features, as Feast references. */
export function featureRefs(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${ONLINE_VIEW}:f${i + 1}`);
}

/** `rows` rows (driver ids 1..rows in a shuffled order), event times over a day, 50 floats with 1% nulls. */
export function writeOnlineCsv(file: string, rows: number, seed = 11): void {
  const rand = seeded(seed);
  const ids = Int32Array.from({ length: rows }, (_, i) => i + 1);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const base = Date.parse('2026-11-28T00:00:00Z');
  const header = ['driver_id', 'event_timestamp', ...Array.from({ length: ONLINE_FEATURES }, (_, f) => `f${f + 1}`)].join(',');
  const fd = fs.openSync(file, 'w');
  let chunk = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    let line = `${ids[i]},${new Date(base + Math.floor(rand() * 86_400_000)).toISOString()}`;
    for (let f = 0; f < ONLINE_FEATURES; f++) line += rand() < 0.01 ? ',' : `,${(rand() * 100).toFixed(3)}`;
    chunk += `${line}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

/**
 * The online view (no transforms, no ttl: every status is PRESENT, NULL_VALUE or NOT_FOUND, which a
 * baseline can reproduce exactly), plus `loadViews` copies of the pipeline benchmark's view over the
 * pipeline CSV, named `bench_load_1..n`, for materializations run while the server is measured.
 */
export function onlineBundle(onlineCsv: string, load?: { csv: string; views: number }) {
  const pipeline = load ? pipelineBundle(load.csv) : null;
  return {
    entities: [{ name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' as const }],
    sources: [{ name: 'online_source', type: 'csv' as const, path: onlineCsv, timestampField: 'event_timestamp' }, ...(pipeline ? pipeline.sources : [])],
    featureViews: [
      {
        name: ONLINE_VIEW,
        entities: ['driver'],
        source: 'online_source',
        features: Array.from({ length: ONLINE_FEATURES }, (_, f) => ({ name: `f${f + 1}`, type: 'float64' as const })),
      },
      ...(pipeline && load ? Array.from({ length: load.views }, (_, v) => ({ ...pipeline.featureViews[0], name: loadView(v) })) : []),
    ],
  };
}

export function loadView(index: number): string {
  return `bench_load_${index + 1}`;
}

export interface OnlineData {
  dataDir: string;
  rows: number;
  /** `<dataDir>/online.db`: the baselines open it directly. */
  onlineDb: string;
}

/**
 * A data dir with the online view applied and materialized (by a pipeline run, as in production).
 * Reused when it already exists under `dir`; `load` also applies the load views (not materialized).
 */
export async function prepareOnlineData(dir: string, rows: number, load?: { csv: string; views: number }): Promise<OnlineData> {
  const dataDir = path.join(dir, 'data');
  const data = { dataDir, rows, onlineDb: path.join(dataDir, 'online.db') };
  if (fs.existsSync(path.join(dir, 'ready'))) return data;
  fs.mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, 'online.csv');
  writeOnlineCsv(csv, rows);
  const bundleFile = path.join(dir, 'bundle.json');
  fs.writeFileSync(bundleFile, JSON.stringify(onlineBundle(csv, load)));
  const run = await runChild<{ status: string; error: string | null; rows: number }>('pipeline-child.ts', [dataDir, bundleFile, ONLINE_VIEW], {
    timeoutMs: 300_000,
    // The load views read the pipeline benchmark's CSV, outside this folder: a source root, as on a server.
    env: load ? { TESSERA_SOURCE_ROOTS: path.dirname(load.csv) } : {},
  });
  if (run.status !== 'succeeded' || run.rows !== rows) throw new Error(`materializing the online view: ${run.status}, ${run.rows} rows, ${run.error ?? ''}`);
  fs.writeFileSync(path.join(dir, 'ready'), '');
  return data;
}
