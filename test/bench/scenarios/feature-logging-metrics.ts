import path from 'node:path';
import { seeded } from '../../support/seeded.js';
import { LoadGenerator, type LoadResult, writeBodies } from '../load/load.js';
import { featureRefs, prepareOnlineData } from '../online-data.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';
import { type ServerProcess, postJson, startTessera } from '../servers/processes.js';
import { ONLINE_ROWS } from './online-sdk.js';

const SERVICE = 'bench_metrics';
const CONNECTIONS = 20;
const TIMES = {
  full: { throughput: 3, warmup: 1 },
  quick: { throughput: 0.25, warmup: 0.1 },
};

/**
 * Issue 14's metrics on the request path (request counts and latency histograms on the online fast
 * path, online row and status tallies): two Tessera processes over the same data, one started with
 * `TESSERA_METRICS=false`, measured in turn (order alternating run to run) at max throughput, 1 entity
 * x 50 features. The ratio on / off is what recording metrics costs online; server CPU per request
 * (all threads, from /proc) is reported beside it, since req/s moves with a shared machine's load.
 */
export const metricsOverhead: BenchScenario = {
  name: 'metrics-overhead',
  description: 'POST /get-online-features, 1 entity x 50 features, max throughput: metrics on vs TESSERA_METRICS=false, two processes measured in turn',
  async run(options) {
    const rows = options.quick ? ONLINE_ROWS.quick : ONLINE_ROWS.full;
    const times = options.quick ? TIMES.quick : TIMES.full;
    const dir = path.join(options.workDir, 'metrics-overhead');
    const load = new LoadGenerator({ quick: options.quick });
    const servers: ServerProcess[] = [];
    try {
      // Each process its own copy of the data, so neither reads through the other's SQLite locks.
      const on = await prepareOnlineData(path.join(dir, 'on'), rows);
      const off = await prepareOnlineData(path.join(dir, 'off'), rows);
      const started = {
        on: await startTessera({ dataDir: on.dataDir, cpuProfDir: options.cpuProfDir }),
        off: await startTessera({ dataDir: off.dataDir, cpuProfDir: options.cpuProfDir, env: { TESSERA_METRICS: 'false' } }),
      };
      servers.push(started.on, started.off);
      for (const server of servers) await postJson(`${server.url}/api/v1/apply`, { featureServices: [{ name: SERVICE, features: featureRefs(50) }] });
      const rand = seeded(14);
      const keys = Array.from({ length: 512 }, () => 1 + Math.floor(rand() * rows));
      const bodies = writeBodies(
        path.join(dir, 'bodies.json'),
        keys.map((id) => ({ feature_service: SERVICE, entities: { driver_id: [id] } })),
      );
      const max: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] };
      const cpu: Record<'on' | 'off', number[]> = { on: [], off: [] };
      for (let r = 0; r < options.runs; r++) {
        const order = r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
        for (const which of order) {
          const server = started[which];
          const before = server.cpuMs();
          const result = await load.run({ url: server.url, path: '/get-online-features', bodiesFile: bodies, connections: CONNECTIONS, seconds: times.throughput, warmupSeconds: times.warmup });
          const after = server.cpuMs();
          max[which].push(result);
          if (before !== null && after !== null) cpu[which].push(((after - before) * 1000) / result.allRequests);
        }
        options.log(
          `metrics-overhead run ${r + 1}: max ${Math.round(max.on[r].rps)} req/s metrics on vs ${Math.round(max.off[r].rps)} off; server CPU ${cpu.on[r]?.toFixed(1)} vs ${cpu.off[r]?.toFixed(1)} us/request`,
        );
      }
      const ratios = max.on.map((x, i) => x.rps / max.off[i].rps);
      const figures: BenchFigure[] = [
        {
          name: 'metrics 1 x 50: max throughput, on / off',
          value: median(max.on.map((x) => x.rps)) / median(max.off.map((x) => x.rps)),
          unit: 'x',
          runs: options.runs,
          note: `ratio of medians; per-run ratios ${ratios.map((v) => v.toFixed(3)).join(', ')}; ${CONNECTIONS} connections, ${times.throughput} s`,
        },
        { name: 'metrics 1 x 50: max throughput, on', value: median(max.on.map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        { name: 'metrics 1 x 50: max throughput, off', value: median(max.off.map((x) => x.rps)), unit: 'req/s', runs: options.runs },
      ];
      if (cpu.on.length === options.runs && cpu.off.length === options.runs) {
        figures.push({
          name: 'metrics 1 x 50: server CPU per request, on / off',
          value: median(cpu.on) / median(cpu.off),
          unit: 'x',
          runs: options.runs,
          note: `all threads, from /proc; ratio of medians of ${median(cpu.on).toFixed(1)} and ${median(cpu.off).toFixed(1)} us`,
        });
      }
      return figures;
    } finally {
      await load.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
};
