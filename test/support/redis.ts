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
