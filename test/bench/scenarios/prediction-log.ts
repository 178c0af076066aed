import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { seeded } from '../../support/seeded.js';
import { LoadGenerator, type LoadResult, writeBodies } from '../load/load.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';
import { type ServerProcess, startTessera } from '../servers/processes.js';
import { preloadLog } from './prediction-log-preload.js';

const CONNECTIONS = 8;
const MODEL = 'bench_churn';
/** `passMs`: the server's compaction and publishing interval; the file count has settled once unchanged over three passes. */
const SIZES = {
  full: { preload: 10_000_000, segments: 50, seconds: 4, warmup: 1, passMs: 2000 },
  quick: { preload: 200_000, segments: 8, seconds: 0.25, warmup: 0.1, passMs: 500 },
};
const HOUR_MS = 3_600_000;
/** The server's TESSERA_PREDICTION_LOG_TARGET_ROWS (its default). */
const TARGET_ROWS = 2_000_000;

function prediction(rand: () => number, i: number) {
  return {
    entity: { customer_id: `c${Math.floor(rand() * 100_000)}` },
    features: { age: Math.round(rand() * 1000) / 1000, tenure: Math.floor(rand() * 120), plan: i % 3 === 0 ? 'gold' : 'basic' },
    featureVersions: { customers: 3 },
    prediction: rand() < 0.3,
    probability: Math.round(rand() * 1000) / 1000,
  };
}

/** Milliseconds of one GET, sequentially `times` times; the median. */
async function readMs(url: string, times: number): Promise<{ ms: number; rows: number }> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    const res = await fetch(url);
    const body = (await res.json()) as { predictions: unknown[] };
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
    ms.push(performance.now() - t);
    rows = body.predictions.length;
  }
  return { ms: median(ms), rows };
}

/** The log's files in the registry (all of them, or one day's), as a reader of registry.db (the server's SQLite registry). */
function logFiles(dataDir: string, date?: string): { files: number; rows: number; small: number; min: number; max: number } {
  const db = new Database(path.join(dataDir, 'registry.db'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT count(*) AS files, coalesce(sum(rows), 0) AS rows, count(*) FILTER (WHERE rows < ?) AS small, min(min_logged_at) AS min, max(max_logged_at) AS max FROM prediction_log_files WHERE model = ? AND date LIKE ?',
      )
      .get(TARGET_ROWS / 2, MODEL, date ?? '%') as {
      files: number;
      rows: number;
      small: number;
      min: number;
      max: number;
    };
  } finally {
    db.close();
  }
}

/**
 * Milliseconds of one journal-sized append made durable (pwrite of `bytes` + fdatasync, the journal's
 * two calls) in `dir`, median of `times`: every acknowledged request waits at least this long, so 8
 * connections cannot be answered faster than 8 per this many ms.
 */
function syncMs(dir: string, bytes: number, times: number): number {
  const file = path.join(dir, `sync-probe-${process.pid}`);
  const fd = fs.openSync(file, 'wx');
  const data = Buffer.alloc(bytes, 0x61);
  const ms: number[] = [];
  try {
    fs.ftruncateSync(fd, bytes * times + 64 * 1024 * 1024);
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      fs.writeSync(fd, data, 0, bytes, i * bytes);
      fs.fdatasyncSync(fd);
      ms.push(performance.now() - t);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file);
  }
  return median(ms);
}

async function until<T>(what: string, ms: number, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Issue 17: the prediction log at production rates. One Tessera process: single-prediction POSTs at 8
 * connections against the same server's GET /health (interleaved per run), batches of 100; then the
 * day before is preloaded with 10 M predictions in published files (prediction-log-preload.ts), and
 * reads and the file count are measured once the server's compaction has settled.
 */
export const predictionLog: BenchScenario = {
  name: 'prediction-log',
  description: 'POST /api/v1/prediction-logs (1 and 100 predictions per request, 8 connections) vs GET /health; reads and file count after compaction',
  async run(options) {
    const size = options.quick ? SIZES.quick : SIZES.full;
    const dir = path.join(options.workDir, 'prediction-log');
    const dataDir = path.join(dir, 'data');
    const load = new LoadGenerator({ quick: options.quick });
    let server: ServerProcess | null = null;
    try {
      server = await startTessera({
        dataDir,
        cpuProfDir: options.cpuProfDir,
        // Compaction every 2 s (0.5 s in a smoke run), so the file count (read from the registry) settles soon. Replaced files
        // stay 10 minutes: with 0, a pass's sweep can delete a file published but not yet recorded (the
        // preload and the publisher record after the rename), and every later merge of it fails.
        env: { TESSERA_COMPACTION_INTERVAL_MS: String(size.passMs), TESSERA_COMPACTION_RETAIN_MS: '600000', TESSERA_PREDICTION_LOG_PUBLISH_MS: String(size.passMs) },
      });
      const rand = seeded(17);
      const singles = writeBodies(
        path.join(dir, 'single.json'),
        Array.from({ length: 512 }, (_, i) => ({ model: MODEL, modelVersion: '4', predictions: [prediction(rand, i)] })),
      );
      const batches = writeBodies(
        path.join(dir, 'batch.json'),
        Array.from({ length: 64 }, (_, b) => ({ model: MODEL, modelVersion: '4', predictions: Array.from({ length: 100 }, (_, i) => prediction(rand, b * 100 + i)) })),
      );
      const target = server;
      const spec = { url: target.url, connections: CONNECTIONS, seconds: size.seconds, warmupSeconds: size.warmup };
      const single: LoadResult[] = [];
      const health: LoadResult[] = [];
      const batch: LoadResult[] = [];
      for (let r = 0; r < options.runs; r++) {
        const order = r % 2 === 0 ? ['health', 'single'] : ['single', 'health'];
        for (const which of order) {
          if (which === 'health') health.push(await load.run({ ...spec, path: '/health', method: 'GET', bodiesFile: singles }));
          else single.push(await load.run({ ...spec, path: '/api/v1/prediction-logs', bodiesFile: singles }));
        }
        batch.push(await load.run({ ...spec, path: '/api/v1/prediction-logs', bodiesFile: batches }));
        options.log(
          `prediction-log run ${r + 1}: ${Math.round(single[r].rps)} single POST/s vs ${Math.round(health[r].rps)} GET /health/s; ${Math.round(batch[r].rps * 100)} predictions/s in batches of 100 (p99 ${batch[r].p99.toFixed(1)} ms)`,
        );
      }
      // The day before holds `preload` predictions (10 M in a full run), written as the publisher
      // would have (prediction-log-preload.ts); then publishing and compaction settle.
      const logged = single.reduce((n, x) => n + x.allRequests, 0) + batch.reduce((n, x) => n + x.allRequests * 100, 0);
      const pre = await preloadLog({ dataDir, model: MODEL, rows: size.preload, segments: size.segments, now: Date.now() });
      const total = logged + size.preload;
      options.log(
        `prediction-log: ${logged} predictions logged over HTTP; ${size.preload} preloaded for ${pre.date} as ${size.segments} published segments in ${pre.seconds.toFixed(1)} s; waiting for publishing and compaction`,
      );
      // Settled: every prediction in a file; the closed day as compaction leaves one (docs/prediction-logs.md:
      // files under half the target rows are merged while two remain); the file count unchanged over
      // three compaction passes.
      const settleStarted = performance.now();
      let last = { files: -1, since: 0 };
      const settled = await until('published and compacted log', 1_200_000, () => {
        const f = logFiles(dataDir);
        if (f.rows < total || logFiles(dataDir, pre.date).small > 1) return undefined;
        if (f.files !== last.files) last = { files: f.files, since: Date.now() };
        return Date.now() - last.since >= 3 * size.passMs ? f : undefined;
      });
      const day = logFiles(dataDir, pre.date);
      options.log(`prediction-log: settled after ${((performance.now() - settleStarted) / 1000).toFixed(1)} s: ${settled.files} files, ${day.files} of them for the ${day.rows} rows of ${pre.date}`);
      const base = `${target.url}/api/v1/prediction-logs?model=${MODEL}`;
      const newest = await readMs(`${base}&limit=10`, 21);
      // The newest 10 of the preloaded day: a read that must open its files, not the journal's rows.
      const dayEnd = pre.dayStart + 24 * HOUR_MS;
      const newestOfDay = await readMs(`${base}&to=${dayEnd}&limit=10`, 21);
      // One hour in the middle of the preloaded day (about 417,000 of its 10 M rows), the first 1000.
      const from = pre.dayStart + 12 * HOUR_MS;
      const to = from + HOUR_MS;
      const range = await readMs(`${base}&from=${from}&to=${to}&limit=1000`, 21);
      // The device's floor under the single-prediction figure (journal-sized writes in the data dir).
      const sync1 = syncMs(dataDir, 420, 200);
      const sync8 = syncMs(dataDir, 8 * 100 * 420, 50);
      const ratios = single.map((x, i) => x.rps / health[i].rps);
      const each = (values: number[], digits: number) => `per run: ${values.map((v) => v.toFixed(digits)).join(', ')}`;
      const figures: BenchFigure[] = [
        {
          name: 'prediction log: single-prediction POST / GET /health throughput',
          value: median(ratios),
          unit: 'x',
          runs: options.runs,
          target: { op: '>=', value: 0.8 },
          note: `${CONNECTIONS} connections, ${size.seconds} s each, interleaved; ${each(ratios, 3)}`,
        },
        { name: 'prediction log: single-prediction POSTs', value: median(single.map((x) => x.rps)), unit: 'req/s', runs: options.runs, note: `p99 ${median(single.map((x) => x.p99)).toFixed(2)} ms` },
        {
          name: 'prediction log: write + fdatasync of one prediction (420 bytes), this disk',
          value: sync1,
          unit: 'ms',
          runs: 200,
          note: `median of 200; ${CONNECTIONS} connections each waiting for a sync allow at most ${Math.round((CONNECTIONS * 1000) / sync1).toLocaleString('en')} single POSTs/s; 8 batches of 100 (336 KB) take ${sync8.toFixed(2)} ms, at most ${Math.round((CONNECTIONS * 100 * 1000) / sync8).toLocaleString('en')} predictions/s`,
        },
        { name: 'prediction log: GET /health (same server)', value: median(health.map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        {
          name: 'prediction log: predictions/s in batches of 100',
          value: median(batch.map((x) => x.rps * 100)),
          unit: 'predictions/s',
          runs: options.runs,
          target: { op: '>=', value: 100_000 },
          note: `${CONNECTIONS} connections; p99 ${median(batch.map((x) => x.p99)).toFixed(1)} ms per request`,
        },
        {
          name: `prediction log: GET ?limit=10 after ${total.toLocaleString('en')} predictions`,
          value: newest.ms,
          unit: 'ms',
          runs: 21,
          target: { op: '<=', value: 100 },
          note: `median of 21 sequential reads; ${newest.rows} rows`,
        },
        {
          name: `prediction log: GET ?to=(end of the preloaded day)&limit=10, ${size.preload.toLocaleString('en')} predictions that day`,
          value: newestOfDay.ms,
          unit: 'ms',
          runs: 21,
          target: { op: '<=', value: 100 },
          note: `median of 21 sequential reads; ${newestOfDay.rows} rows`,
        },
        {
          name: `prediction log: time-range read (one hour, mid-day) of ${size.preload.toLocaleString('en')} predictions that day`,
          value: range.ms,
          unit: 'ms',
          runs: 21,
          target: { op: '<=', value: 100 },
          note: `median of 21; ${range.rows} rows (limit 1000) of ${Math.round(size.preload / 24).toLocaleString('en')} in the hour`,
        },
        {
          name: `prediction log: files after compaction for the ${day.rows.toLocaleString('en')} predictions of one day`,
          value: day.files,
          unit: 'files',
          runs: 1,
          target: { op: '<=', value: 49 },
          note: `preloaded as ${size.segments} files; ${settled.files} files for the model in all (today's ${logged.toLocaleString('en')} logged over HTTP besides); target rows per file 2,000,000`,
        },
      ];
      return figures;
    } finally {
      await load.close();
      await server?.stop();
    }
  },
};
