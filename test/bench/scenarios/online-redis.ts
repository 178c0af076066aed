import assert from 'node:assert/strict';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deleteKeysUnder, redisUrlWithPrefix } from '../../support/redis.js';
import { pipelineCsv } from '../data.js';
import { LoadGenerator, type LoadResult, writeBodies } from '../load/load.js';
import { loadView, prepareOnlineData } from '../online-data.js';
import { copyOnlineViewToRedis } from '../redis-data.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';
import { type ServerProcess, materializeOverHttp, postJson, startRedisBaseline, startTessera } from '../servers/processes.js';
import { shapeBodies, shapeLabel } from './online-http.js';
import { ONLINE_ROWS } from './online-sdk.js';

const SHAPE = { entities: 1, features: 50 };
/** How the scenario fails on a machine without Redis (the smoke test accepts it there). */
export const NO_REDIS = 'online-redis needs a Redis';
const CONNECTIONS = 20;
const SIZE = { full: { load: 1_000_000, latency: 4, throughput: 3, warmup: 1 }, quick: { load: 5_000, latency: 0.25, throughput: 0.25, warmup: 0.1 } };

/**
 * Issue 11's Redis figures, on the Redis of TESSERA_TEST_REDIS_URL (default redis://127.0.0.1:6379)
 * under a key prefix of its own, removed afterwards: get-online-features over Redis (1 entity x 50
 * features) at 1,000 req/s and at full speed against bare node:http doing the same pipelined ioredis
 * reads; two processes (`--workers 2`) against one; and a 1M-row materialization into Redis against
 * the same into the embedded SQLite store.
 */
export const onlineRedis: BenchScenario = {
  name: 'online-redis',
  description: 'get-online-features over Redis vs bare node:http + ioredis; --workers 2 vs 1; 1M-row materialization into Redis vs SQLite',
  async run(options) {
    const size = options.quick ? SIZE.quick : SIZE.full;
    const base = process.env.TESSERA_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
    const prefix = `tessera-bench:${process.pid}:`;
    const redisUrl = redisUrlWithPrefix(prefix, base);
    const rows = options.quick ? ONLINE_ROWS.quick : ONLINE_ROWS.full;
    const csv = pipelineCsv(options.workDir, size.load);
    const data = await prepareOnlineData(path.join(options.workDir, 'online-redis'), rows, { csv, views: 2 });
    if (!(await answers(base))) throw new Error(`${NO_REDIS}: nothing answers at ${base} (set TESSERA_TEST_REDIS_URL)`);
    const started: ServerProcess[] = [];
    const load = new LoadGenerator({ quick: options.quick });
    const figures: BenchFigure[] = [];
    const env = { TESSERA_ONLINE_URL: redisUrl };
    try {
      const copied = await copyOnlineViewToRedis(data.onlineDb, redisUrl);
      options.log(`online-redis: ${copied.rows} rows x 50 features written to Redis at ${Math.round(copied.rowsPerSecond)} rows/s`);
      figures.push({
        name: 'Redis online store: write, 50 float features',
        value: copied.rowsPerSecond,
        unit: 'rows/s',
        runs: 1,
        note: `${copied.rows} rows through RedisOnlineStore.write (Lua upsert, 256 rows per call)`,
      });

      const tessera = await startTessera({ dataDir: data.dataDir, cpuProfDir: options.cpuProfDir, env, sourceRoots: [path.dirname(csv)] });
      const baseline = await startRedisBaseline(base, prefix);
      started.push(tessera, baseline);
      const bodies = shapeBodies(SHAPE, rows);
      const bodiesFile = writeBodies(path.join(options.workDir, 'online-redis', 'bodies.json'), bodies);
      for (const body of bodies.slice(0, 5))
        assert.deepEqual(await postJson(`${baseline.url}/get-online-features`, body), await postJson(`${tessera.url}/get-online-features`, body), 'the baseline answers differently');
      const latency = (s: ServerProcess) => load.run({ url: s.url, path: '/get-online-features', bodiesFile, connections: 1, rate: 1000, seconds: size.latency, warmupSeconds: size.warmup });
      const throughput = (s: ServerProcess) => load.run({ url: s.url, path: '/get-online-features', bodiesFile, connections: CONNECTIONS, seconds: size.throughput, warmupSeconds: size.warmup });
      const lat: LoadResult[] = [];
      const latBase: LoadResult[] = [];
      const max: LoadResult[] = [];
      const maxBase: LoadResult[] = [];
      for (let r = 0; r < options.runs; r++) {
        lat.push(await latency(tessera));
        latBase.push(await latency(baseline));
        max.push(await throughput(tessera));
        maxBase.push(await throughput(baseline));
        options.log(
          `online-redis run ${r + 1}: tessera p99 ${lat[r].p99.toFixed(3)} ms, max ${Math.round(max[r].rps)} req/s | node:http+ioredis p99 ${latBase[r].p99.toFixed(3)} ms, max ${Math.round(maxBase[r].rps)} req/s`,
        );
      }
      const label = `${shapeLabel(SHAPE)} over Redis`;
      const n = options.runs;
      const each = (values: number[], digits: number) => `per run: ${values.map((v) => v.toFixed(digits)).join(', ')}`;
      figures.push(
        {
          name: `${label}: p99 at 1,000 req/s`,
          value: median(lat.map((x) => x.p99)),
          unit: 'ms',
          runs: n,
          target: { op: '<=', value: 2 },
          anchor: 'Feast Go feature server + Redis: p99 1.78 ms',
          note: `${each(
            lat.map((x) => x.p99),
            2,
          )}; p50 ${median(lat.map((x) => x.p50)).toFixed(3)} ms; achieved ${Math.round(median(lat.map((x) => x.rps)))} req/s`,
        },
        { name: `${label}: p99 at 1,000 req/s, bare node:http + ioredis`, value: median(latBase.map((x) => x.p99)), unit: 'ms', runs: n },
        { name: `${label}: max throughput, Tessera`, value: median(max.map((x) => x.rps)), unit: 'req/s', runs: n, note: `${CONNECTIONS} connections` },
        { name: `${label}: max throughput, bare node:http + ioredis`, value: median(maxBase.map((x) => x.rps)), unit: 'req/s', runs: n },
        {
          name: `${label}: max throughput, Tessera / bare node:http + ioredis`,
          value: median(max.map((x, i) => x.rps / maxBase[i].rps)),
          unit: 'x',
          runs: n,
          target: { op: '>=', value: 0.9 },
          note: `median of per-run ratios; ${each(
            max.map((x, i) => x.rps / maxBase[i].rps),
            3,
          )}`,
        },
      );
      await baseline.stop();

      // Two processes against one Redis (node:cluster workers sharing the port), against the one above.
      const two = await startTessera({ dataDir: data.dataDir, workers: 2, cpuProfDir: options.cpuProfDir, env, sourceRoots: [path.dirname(csv)] });
      started.push(two);
      const scaled = await throughput(two);
      await two.stop();
      figures.push({
        name: `${label}: max throughput, 2 processes / 1`,
        value: scaled.rps / median(max.map((x) => x.rps)),
        unit: 'x',
        runs: 1,
        note: `${Math.round(scaled.rps)} req/s with --workers 2; the load generator and Redis share the same 2 cores`,
      });

      // The pipeline benchmark's view, materialized once into Redis and once into online.db (both first runs).
      const seconds = async (server: ServerProcess, view: string) => {
        const before = performance.now();
        const run = await materializeOverHttp(server.url, view);
        if (run.status !== 'succeeded' || run.rowsOut !== size.load) throw new Error(`materializing ${view}: ${run.status}, ${run.rowsOut} rows, ${run.error ?? ''}`);
        return { seconds: (performance.now() - before) / 1000, online: run.steps.filter((s) => s.name === 'online').reduce((a, s) => a + s.ms, 0) / 1000 };
      };
      const intoRedis = await seconds(tessera, loadView(0));
      await tessera.stop();
      const sqlite = await startTessera({ dataDir: data.dataDir, cpuProfDir: options.cpuProfDir, sourceRoots: [path.dirname(csv)] });
      started.push(sqlite);
      const intoSqlite = await seconds(sqlite, loadView(1));
      const rowsLabel = size.load >= 1e6 ? `${size.load / 1e6}M` : `${size.load / 1000}k`;
      options.log(
        `online-redis materialize ${rowsLabel}: Redis ${intoRedis.seconds.toFixed(1)} s (online step ${intoRedis.online.toFixed(1)} s), SQLite ${intoSqlite.seconds.toFixed(1)} s (online step ${intoSqlite.online.toFixed(1)} s)`,
      );
      figures.push(
        {
          name: `materialize ${rowsLabel} rows into Redis`,
          value: size.load / intoRedis.seconds,
          unit: 'rows/s',
          runs: 1,
          note: `${intoRedis.seconds.toFixed(1)} s; online step ${intoRedis.online.toFixed(1)} s`,
        },
        {
          name: `materialize ${rowsLabel} rows into SQLite (online.db)`,
          value: size.load / intoSqlite.seconds,
          unit: 'rows/s',
          runs: 1,
          note: `${intoSqlite.seconds.toFixed(1)} s; online step ${intoSqlite.online.toFixed(1)} s`,
        },
        { name: `materialize ${rowsLabel} rows: Redis / SQLite`, value: intoSqlite.seconds / intoRedis.seconds, unit: 'x', runs: 1, note: 'rows/s into Redis over rows/s into online.db, same run' },
      );
      return figures;
    } finally {
      await load.close();
      await Promise.all(started.map((s) => s.stop()));
      await deleteKeysUnder(prefix, base);
    }
  },
};

async function answers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
