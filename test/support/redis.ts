import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import { Redis } from 'ioredis';

/** `TESSERA_TEST_REDIS_URL`, or null: Redis suites then skip with `REDIS_SKIP`. */
export const REDIS_TEST_URL = process.env.TESSERA_TEST_REDIS_URL || null;
export const REDIS_SKIP = REDIS_TEST_URL ? null : 'TESSERA_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379): the Redis suites need a Redis';

/** A key prefix no other test or agent uses: the shared Redis is never flushed, only these keys removed. */
export function uniquePrefix(): string {
  return `tessera-test:${process.pid}:${crypto.randomBytes(6).toString('hex')}:`;
}

/** The test Redis URL (or another base URL) with a key prefix of its own. */
export function redisUrlWithPrefix(prefix: string, base = REDIS_TEST_URL ?? ''): string {
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}prefix=${encodeURIComponent(prefix)}`;
}

/** Every key under `prefix`, found with SCAN (never KEYS on a shared server). */
export async function keysUnder(prefix: string, url = REDIS_TEST_URL ?? ''): Promise<string[]> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0');
    return found;
  } finally {
    client.disconnect();
  }
}

/** Removes every key under `prefix` (a test's own keys). */
export async function deleteKeysUnder(prefix: string, url = REDIS_TEST_URL ?? ''): Promise<void> {
  const keys = await keysUnder(prefix, url);
  if (!keys.length) return;
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    for (let i = 0; i < keys.length; i += 1000) await client.unlink(...keys.slice(i, i + 1000));
  } finally {
    client.disconnect();
  }
}

/** A redis-server of the test's own on a free port (persisted only by `save`), to kill, freeze and restart. */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL: the server is gone at once, as on a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port, with what `save` wrote, and waits until it answers. */
  start(): Promise<void>;
  /** SAVE: the next start loads the keys as they are now. */
  save(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open but nothing answers, as on a stalled host. */
  freeze(): void;
  thaw(): void;
}

export async function privateRedis(port: number, dir: string, extraArgs: string[] = []): Promise<PrivateRedis> {
  let child: ChildProcess | null = null;
  const url = `redis://127.0.0.1:${port}`;
  const answers = async () => {
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
  };
  // A test that fails half-way must not leave its redis-server behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  const handle: PrivateRedis = {
    port,
    url,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb', ...extraArgs], { stdio: 'ignore' });
      const deadline = Date.now() + 15_000;
      while (!(await answers())) {
        if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 15 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill() {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once('exit', r));
      running.kill('SIGKILL');
      await exited;
    },
    async save() {
      const client = new Redis(url, { lazyConnect: true });
      await client.connect();
      try {
        await client.save();
      } finally {
        client.disconnect();
      }
    },
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
  };
  await handle.start();
  return handle;
}
