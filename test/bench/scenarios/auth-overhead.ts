import path from 'node:path';
import { runCli } from '../../support/run-cli.js';
import { seeded } from '../../support/seeded.js';
import { LoadGenerator, type LoadResult, writeBodies } from '../load/load.js';
import { featureRefs, prepareOnlineData } from '../online-data.js';
import { type BenchFigure, type BenchScenario, median } from '../scenario.js';
import { type ServerProcess, startTessera } from '../servers/processes.js';
import { ONLINE_ROWS } from './online-sdk.js';

const SERVICE = 'bench_auth';
const CONNECTIONS = 20;
const TIMES = {
  full: { throughput: 3, steady: 10, warmup: 1 },
  quick: { throughput: 0.25, steady: 0.25, warmup: 0.1 },
};
/**
 * The steady load at which server CPU per request is compared: at max throughput the load generator
 * takes one of the two cores from the server, so the CPU a request costs moves with it.
 */
const STEADY = { rate: 2000, connections: 10 };

/** Auth on, auth off, and a second auth-off server: the A/A control that shows the measurement's own spread. */
type Which = 'on' | 'off' | 'control';
/** The servers' order in each run, rotating, so no server is always measured first or last. */
const ORDERS: readonly (readonly Which[])[] = [
  ['off', 'on', 'control'],
  ['on', 'control', 'off'],
  ['control', 'off', 'on'],
];

/** `tessera keys create ...` (the CLI, as an operator makes keys); its stdout is the token. */
async function createKey(args: string[], cwd: string): Promise<string> {
  const r = await runCli(['keys', 'create', ...args], cwd);
  if (r.code !== 0) throw new Error(`tessera keys create ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function call(url: string, method: string, body: unknown, token?: string): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(url, { method, headers, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Issue 15's cost on the online path: two Tessera processes over copies of the same data, one with
 * authentication on (an admin key made on its data dir turns it on; requests carry a `reader` key that
 * a permission grants DESCRIBE and READ, so every request is verified and decided), one with auth off,
 * measured in turn at max throughput, 1 entity x 50 features, beside a third process with auth off (an
 * A/A control: two identical servers differ by the measurement's own spread), the order rotating run
 * to run. Target:
 * on / off >= 0.9 (a verified key is cached for TESSERA_KEY_CACHE_MS, so a request pays a SHA-256; only
 * the first pays a scrypt: the verdict is renewed in the background by reading the key's record).
 * Then each at a steady 2,000 req/s, for the server CPU per request with the load generator's share steady.
 */
export const authOverhead: BenchScenario = {
  name: 'auth',
  description:
    'POST /get-online-features, 1 entity x 50 features, max throughput: an API key required (reader role, permission checked) vs auth off, and a second auth-off process as an A/A control, measured in turn',
  async run(options) {
    const rows = options.quick ? ONLINE_ROWS.quick : ONLINE_ROWS.full;
    const times = options.quick ? TIMES.quick : TIMES.full;
    const dir = path.join(options.workDir, 'auth-overhead');
    const load = new LoadGenerator({ quick: options.quick });
    const servers: ServerProcess[] = [];
    try {
      // Each process its own copy of the data: neither reads through the other's SQLite locks, and only one has keys.
      const on = await prepareOnlineData(path.join(dir, 'on'), rows);
      const off = await prepareOnlineData(path.join(dir, 'off'), rows);
      const control = await prepareOnlineData(path.join(dir, 'control'), rows);
      const admin = await createKey(['--name', 'bench-admin', '--role', 'admin', '--data-dir', on.dataDir], dir);
      const started = {
        on: await startTessera({ dataDir: on.dataDir, cpuProfDir: options.cpuProfDir }),
        off: await startTessera({ dataDir: off.dataDir, cpuProfDir: options.cpuProfDir }),
        control: await startTessera({ dataDir: control.dataDir, cpuProfDir: options.cpuProfDir }),
      };
      servers.push(started.on, started.off, started.control);
      const bundle = {
        featureServices: [{ name: SERVICE, features: featureRefs(50) }],
        permissions: [{ name: 'readers', roles: ['reader'], actions: ['DESCRIBE', 'READ'] }],
      };
      for (const [server, token] of [
        [started.on, admin],
        [started.off, undefined],
        [started.control, undefined],
      ] as const) {
        const status = await call(`${server.url}/api/v1/apply`, 'POST', bundle, token);
        if (status !== 200) throw new Error(`apply on ${server.url} answered ${status}`);
      }
      const reader = await createKey(['--name', 'bench-reader', '--role', 'reader', '--url', started.on.url, '--api-key', admin], dir);
      const probe = { feature_service: SERVICE, entities: { driver_id: [1] } };
      // What is compared must be what it claims: auth really on in one process, really off in the other.
      const checks = [
        [started.on.url, undefined, 401],
        [started.on.url, reader, 200],
        [started.off.url, undefined, 200],
        [started.control.url, undefined, 200],
      ] as const;
      for (const [url, token, expected] of checks) {
        const status = await call(`${url}/get-online-features`, 'POST', probe, token);
        if (status !== expected) throw new Error(`${url}/get-online-features ${token ? 'with' : 'without'} a key answered ${status}, not ${expected}`);
      }
      const rand = seeded(15);
      const keys = Array.from({ length: 512 }, () => 1 + Math.floor(rand() * rows));
      const bodies = writeBodies(
        path.join(dir, 'bodies.json'),
        keys.map((id) => ({ feature_service: SERVICE, entities: { driver_id: [id] } })),
      );
      const headers = { on: { authorization: `Bearer ${reader}` }, off: {}, control: {} };
      const max: Record<Which, LoadResult[]> = { on: [], off: [], control: [] };
      const cpu: Record<Which, number[]> = { on: [], off: [], control: [] };
      const steady: Record<Which, number[]> = { on: [], off: [], control: [] };
      /** One load on one server: its result, and the server's CPU per request (us; null without /proc). */
      const measure = async (which: Which, shape: { connections: number; seconds: number; rate?: number }) => {
        const server = started[which];
        const before = server.cpuMs();
        const result = await load.run({ url: server.url, path: '/get-online-features', bodiesFile: bodies, headers: headers[which], warmupSeconds: times.warmup, ...shape });
        const after = server.cpuMs();
        return { result, cpuUs: before !== null && after !== null ? ((after - before) * 1000) / result.allRequests : null };
      };
      for (let r = 0; r < options.runs; r++) {
        const order = ORDERS[r % ORDERS.length];
        for (const which of order) {
          const { result, cpuUs } = await measure(which, { connections: CONNECTIONS, seconds: times.throughput });
          max[which].push(result);
          if (cpuUs !== null) cpu[which].push(cpuUs);
        }
        for (const which of order) {
          const { cpuUs } = await measure(which, { connections: STEADY.connections, rate: STEADY.rate, seconds: times.steady });
          if (cpuUs !== null) steady[which].push(cpuUs);
        }
        options.log(
          `auth run ${r + 1} (order ${order.join(', ')}): max ${Math.round(max.on[r].rps)} req/s with an API key vs ${Math.round(max.off[r].rps)} auth off (control ${Math.round(max.control[r].rps)}); server CPU ${cpu.on[r]?.toFixed(1)} vs ${cpu.off[r]?.toFixed(1)} (control ${cpu.control[r]?.toFixed(1)}) us/request at max throughput, ${steady.on[r]?.toFixed(1)} vs ${steady.off[r]?.toFixed(1)} (control ${steady.control[r]?.toFixed(1)}) us/request at ${STEADY.rate} req/s`,
        );
      }
      const ratios = max.on.map((x, i) => x.rps / max.off[i].rps);
      const figures: BenchFigure[] = [
        {
          name: 'auth 1 x 50: max throughput, API key / auth off',
          value: median(max.on.map((x) => x.rps)) / median(max.off.map((x) => x.rps)),
          unit: 'x',
          runs: options.runs,
          target: { op: '>=', value: 0.9 },
          note: `ratio of medians; per-run ratios ${ratios.map((v) => v.toFixed(3)).join(', ')}; ${CONNECTIONS} connections, ${times.throughput} s`,
        },
        { name: 'auth 1 x 50: max throughput, API key', value: median(max.on.map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        { name: 'auth 1 x 50: max throughput, auth off', value: median(max.off.map((x) => x.rps)), unit: 'req/s', runs: options.runs },
        {
          name: 'auth 1 x 50: max throughput, A/A control: a second auth-off server / auth off',
          value: median(max.control.map((x) => x.rps)) / median(max.off.map((x) => x.rps)),
          unit: 'x',
          runs: options.runs,
          note: `how far two identical servers measured the same way differ: the noise in the ratio above; per run ${max.control.map((x, i) => (x.rps / max.off[i].rps).toFixed(3)).join(', ')}`,
        },
      ];
      if (cpu.on.length === options.runs && cpu.off.length === options.runs) {
        figures.push({
          name: 'auth 1 x 50: server CPU per request, API key / auth off',
          value: median(cpu.on) / median(cpu.off),
          unit: 'x',
          runs: options.runs,
          note: `all threads, from /proc; ratio of medians of ${median(cpu.on).toFixed(1)} and ${median(cpu.off).toFixed(1)} us`,
        });
      }
      if (steady.on.length === options.runs && steady.off.length === options.runs) {
        figures.push({
          name: `auth 1 x 50: server CPU per request at ${STEADY.rate.toLocaleString('en-US')} req/s, API key / auth off`,
          value: median(steady.on) / median(steady.off),
          unit: 'x',
          runs: options.runs,
          note: `all threads, from /proc, ${STEADY.connections} connections, ${times.steady} s; ratio of medians of ${median(steady.on).toFixed(1)} and ${median(steady.off).toFixed(1)} us; per run: ${steady.on.map((v, i) => (v / steady.off[i]).toFixed(3)).join(', ')}`,
        });
      }
      if (steady.control.length === options.runs && steady.off.length === options.runs) {
        figures.push({
          name: `auth 1 x 50: server CPU per request at ${STEADY.rate.toLocaleString('en-US')} req/s, A/A control: a second auth-off server / auth off`,
          value: median(steady.control) / median(steady.off),
          unit: 'x',
          runs: options.runs,
          note: `per run: ${steady.control.map((v, i) => (v / steady.off[i]).toFixed(3)).join(', ')}`,
        });
      }
      return figures;
    } finally {
      await load.close();
      await Promise.all(servers.map((s) => s.stop()));
    }
  },
};
