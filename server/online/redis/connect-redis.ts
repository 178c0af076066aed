import { Cluster, Redis } from 'ioredis';
import { TesseraError, errorMessage } from '../../errors.js';
import type { RedisLocation } from './redis-url.js';

export type RedisClient = Redis | Cluster;

/**
 * Connects and waits until Redis answers. Built so that a lost Redis never makes a request hang:
 * no offline queue (a command sent while disconnected fails at once), no resending of commands that
 * were in flight, a timeout on every command, and reconnecting forever in the background once the
 * first connection succeeded. The first connection is not retried: a wrong URL fails the start.
 */
export async function connectRedis(location: RedisLocation): Promise<RedisClient> {
  let started = false;
  let lastError: unknown = null;
  const retryStrategy = (times: number) => (started ? Math.min(50 * times, 1000) : null);
  const common = {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: location.timeoutMs,
    connectTimeout: location.timeoutMs,
    username: location.username,
    password: location.password,
    tls: location.tls ? {} : undefined,
    keepAlive: 10_000,
  };
  const client: RedisClient = location.cluster
    ? new Cluster(location.nodes, {
        lazyConnect: true,
        enableOfflineQueue: false,
        enableAutoPipelining: true,
        clusterRetryStrategy: retryStrategy,
        redisOptions: { ...common, lazyConnect: false, enableAutoPipelining: false },
      })
    : new Redis({ ...common, host: location.nodes[0].host, port: location.nodes[0].port, db: location.db, retryStrategy });
  // Errors surface through the commands that fail; without a listener ioredis would log each one.
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    client.disconnect();
    const cause = lastError ?? e;
    throw new TesseraError('unavailable', `TESSERA_ONLINE_URL (--online-url): cannot reach Redis at ${location.display}: ${errorMessage(cause)}`, [], { cause });
  }
  started = true;
  return client;
}

/** Any failure of a command (disconnected, timed out, refused) as the `unavailable` error a 503 answers. */
export function unavailable(location: RedisLocation, e: unknown): TesseraError {
  if (e instanceof TesseraError) return e;
  return new TesseraError('unavailable', `the online store (${location.display}) does not answer: ${errorMessage(e)}`, [], { cause: e });
}
