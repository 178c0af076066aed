import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { tesseraArgs } from '../../support/tessera-bin.js';
import { scriptArgs } from '../../support/node-child.js';
import { childEnv, profileFlags } from '../child.js';

/** A server the benchmark started, in its own process. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /**
   * CPU time (user + system, ms) the server process has used so far, from /proc (Linux); null
   * elsewhere. Per request, it is robust to other work on a shared machine, unlike req/s.
   */
  cpuMs(): number | null;
  /** SIGTERM, and SIGKILL (by pid) if it has not exited 10 s later. */
  stop(): Promise<void>;
}

/** The servers still running, so an interrupted or failed scenario never leaves one behind. */
const running = new Set<ServerProcess>();

export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/health`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.setTimeout(2000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

async function start(name: string, nodeArgs: string[], port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, nodeArgs, { env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await healthy(url))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited at start-up (${child.exitCode ?? child.signalCode}): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer /health within 60 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  const server: ServerProcess = {
    name,
    url,
    pid: child.pid!,
    cpuMs: () => processCpuMs(child.pid!),
    async stop() {
      running.delete(server);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
  running.add(server);
  return server;
}

/**
 * `tessera serve` over an existing data dir (definitions already applied), compiled or from source as
 * test/support/tessera-bin.ts says; logs at `warn` as a tuned production server would (at `info` it logs every request).
 */
export async function startTessera(options: { dataDir: string; workers?: number; cpuProfDir?: string; sourceRoots?: string[]; env?: Record<string, string> }): Promise<ServerProcess> {
  const port = await freePort();
  const args = [
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--data-dir',
    options.dataDir,
    '--definitions',
    path.join(options.dataDir, 'no-definitions'),
    '--no-apply',
    '--log-level',
    'warn',
    '--workers',
    String(options.workers ?? 1),
  ];
  return start(options.workers && options.workers > 1 ? `tessera --workers ${options.workers}` : 'tessera', [...profileFlags(options.cpuProfDir), ...tesseraArgs(args)], port, {
    // Source files outside the definitions folder must be in a source root, as on any server.
    TESSERA_SOURCE_ROOTS: (options.sourceRoots ?? []).join(path.delimiter),
    ...options.env,
  });
}

export type BaselineKind = 'express' | 'node:http';

/** The node:http baseline reading the online view from Redis (servers/node-http-redis-baseline.ts). */
export async function startRedisBaseline(redisUrl: string, prefix: string): Promise<ServerProcess> {
  const port = await freePort();
  return start('minimal node:http + ioredis', [...scriptArgs(import.meta.url, './node-http-redis-baseline.ts'), redisUrl, prefix, String(port)], port);
}

/** A baseline server (servers/*-baseline.ts) reading `online.db` directly. */
export async function startBaseline(kind: BaselineKind, onlineDb: string): Promise<ServerProcess> {
  const port = await freePort();
  const script = kind === 'express' ? './express-baseline.ts' : './node-http-baseline.ts';
  return start(`minimal ${kind}`, [...scriptArgs(import.meta.url, script), onlineDb, String(port)], port);
}

/** POSTs JSON and returns the parsed answer (for checking that every server answers alike). */
export async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Materializes one view through the HTTP API and waits for the run. */
export async function materializeOverHttp(url: string, view: string): Promise<{ status: string; rowsOut: number; error?: string; steps: { name: string; ms: number }[] }> {
  const res = await fetch(`${url}/api/v1/feature-views/${view}/materialize?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 200) throw new Error(`materialize ${view} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { status: string; rowsOut: number; error?: string; steps: { name: string; ms: number }[] };
}
