import path from 'node:path';
import { seeded } from '../../support/seeded.js';
import { LoadGenerator, type LoadResult, writeBodies } from '../load/load.js';
import { featureRefs, prepareOnlineData } from '../online-data.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';
import { type ServerProcess, postJson, startTessera } from '../servers/processes.js';
import { ONLINE_ROWS } from './online-sdk.js';

const LOGGED = 'bench_logged';
const UNLOGGED = 'bench_unlogged';
const CONNECTIONS = 20;
const TIMES = {
  full: { latency: 4, throughput: 3, warmup: 1 },
  quick: { latency: 0.25, throughput: 0.25, warmup: 0.1 },
};

interface FeatureLogHealth {
  queueDepthRows: number;
  droppedRows: number;
  writtenRows: number;
  failedRows: number;
}

async function featureLogHealth(server: ServerProcess): Promise<FeatureLogHealth> {
  const res = await fetch(`${server.url}/health`);
  return ((await res.json()) as { featureLog: FeatureLogHealth }).featureLog;
}

/** Waits until the server's feature log has written what it queued, so the next run does not pay for this one. */
async function drained(server: ServerProcess): Promise<FeatureLogHealth> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = await featureLogHealth(server);
    if (health.queueDepthRows === 0) return health;
    if (Date.now() > deadline) throw new Error(`the feature log still holds ${health.queueDepthRows} rows after 60 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Issue 14's logging target: one Tessera process serves two feature services over the same 50
 * features of the online view, one with `logging: {sampleRate: 1}` and one without; 1 entity x 50
 * features, interleaved in every run: max throughput (ratio logged / unlogged, target >= 0.9) and
 * p99 at 1,000 req/s with logging on (target <= 2 ms).
 */
export const featureLogging: BenchScenario = {
  name: 'feature-logging',
  description: 'POST /get-online-features of a feature service logging every request vs the same service unlogged, same process, 1 entity x 50 features',
  async run(options) {
    const rows = options.quick ? ONLINE_ROWS.quick : ONLINE_ROWS.full;
    const times = options.quick ? TIMES.quick : TIMES.full;
    const data = await prepareOnlineData(path.join(options.workDir, 'feature-logging'), rows);
    const load = new LoadGenerator({ quick: options.quick });
    let server: ServerProcess | null = null;
    try {
      server = await startTessera({ dataDir: data.dataDir, cpuProfDir: options.cpuProfDir });
      const features = featureRefs(50);
      await postJson(`${server.url}/api/v1/apply`, {
        featureServices: [
          { name: LOGGED, features, logging: { sampleRate: 1 } },
          { name: UNLOGGED, features },
        ],
      });
      const rand = seeded(14);
      const keys = Array.from({ length: 512 }, () => 1 + Math.floor(rand() * rows));
      const files = Object.fromEntries(
        [LOGGED, UNLOGGED].map((service) => [
          service,
          writeBodies(
            path.join(options.workDir, 'feature-logging', `${service}.json`),
            keys.map((id) => ({ feature_service: service, entities: { driver_id: [id] } })),
          ),
        ]),
      ) as Record<string, string>;
      const target = server;
      const latency = (service: string) =>
        load.run({ url: target.url, path: '/get-online-features', bodiesFile: files[service], connections: 1, rate: 1000, seconds: times.latency, warmupSeconds: times.warmup });
      const throughput = (service: string) =>
        load.run({ url: target.url, path: '/get-online-features', bodiesFile: files[service], connections: CONNECTIONS, seconds: times.throughput, warmupSeconds: times.warmup });
      const lat: Record<string, LoadResult[]> = { [LOGGED]: [], [UNLOGGED]: [] };
      const max: Record<string, LoadResult[]> = { [LOGGED]: [], [UNLOGGED]: [] };
      // Server CPU (all threads) per request of a max-throughput run, until its log is written: on a
      // shared machine, req/s moves with the neighbours' load; CPU per request much less.
      const cpu: Record<string, number[]> = { [LOGGED]: [], [UNLOGGED]: [] };
      // One logged request, written, before measuring: the encoder thread starts (and compiles) on first use.
      await postJson(`${target.url}/get-online-features`, { feature_service: LOGGED, entities: { driver_id: [keys[0]] } });
      await drained(target);
      for (let r = 0; r < options.runs; r++) {
        // The order alternates run to run, so drift on the shared machine hits both alike.
        const order = r % 2 === 0 ? [UNLOGGED, LOGGED] : [LOGGED, UNLOGGED];
        for (const service of order) {
          const before = target.cpuMs();
          const result = await throughput(service);
          max[service].push(result);
          await drained(target);
          const after = target.cpuMs();
          if (before !== null && after !== null) cpu[service].push(((after - before) * 1000) / result.allRequests);
        }
        for (const service of order) {
          lat[service].push(await latency(service));
          await drained(target);
        }
        options.log(
          `feature-logging run ${r + 1}: max ${Math.round(max[LOGGED][r].rps)} req/s logged vs ${Math.round(max[UNLOGGED][r].rps)} unlogged; server CPU ${cpu[LOGGED][r]?.toFixed(1)} vs ${cpu[UNLOGGED][r]?.toFixed(1)} us/request; p99 at 1,000 req/s ${lat[LOGGED][r].p99.toFixed(3)} ms logged vs ${lat[UNLOGGED][r].p99.toFixed(3)} ms unlogged`,
        );
      }
      const health = await drained(target);
      const ratios = max[LOGGED].map((x, i) => x.rps / max[UNLOGGED][i].rps);
      const each = (values: number[], digits: number) => `per run: ${values.map((v) => v.toFixed(digits)).join(', ')}`;
      const figures: BenchFigure[] = [
        {
          name: 'feature logging 1 x 50: max throughput, logged / unlogged',
          value: median(ratios),
          unit: 'x',
          runs: options.runs,
          target: { op: '>=', value: 0.9 },
          note: `sample rate 1.0, ${CONNECTIONS} connections, ${times.throughput} s; median of per-run ratios, ${each(ratios, 3)}`,
        },
        ...(cpu[LOGGED].length === options.runs
          ? [
              {
                name: 'feature logging 1 x 50: server CPU per request, logged / unlogged',
                value: median(cpu[LOGGED]) / median(cpu[UNLOGGED]),
                unit: 'x',
                runs: options.runs,
                note: `all threads, from /proc, over each max-throughput run until its log is written; ratio of medians of ${median(cpu[LOGGED]).toFixed(1)} and ${median(cpu[UNLOGGED]).toFixed(1)} us`,
              },
            ]
          : []),
        { name: 'feature logging 1 x 50: max throughput, logged', value: median(max[LOGGED].map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        { name: 'feature logging 1 x 50: max throughput, unlogged', value: median(max[UNLOGGED].map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        {
          name: 'feature logging 1 x 50: p99 at 1,000 req/s, logged',
          value: median(lat[LOGGED].map((x) => x.p99)),
          unit: 'ms',
          runs: options.runs,
          target: { op: '<=', value: 2 },
          note: each(
            lat[LOGGED].map((x) => x.p99),
            2,
          ),
        },
        { name: 'feature logging 1 x 50: p99 at 1,000 req/s, unlogged', value: median(lat[UNLOGGED].map((x) => x.p99)), unit: 'ms', runs: options.runs },
        {
          name: 'feature logging: rows written',
          value: health.writtenRows,
          unit: 'rows',
          runs: 1,
          note: `dropped ${health.droppedRows}, failed ${health.failedRows} (queue of 100,000 rows, written every second)`,
        },
      ];
      return figures;
    } finally {
      await load.close();
      await server?.stop();
    }
  },
};
