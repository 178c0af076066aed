import { TesseraError } from '../../errors.js';

/** Where the Redis online store is, from `TESSERA_ONLINE_URL`. */
export interface RedisLocation {
  cluster: boolean;
  nodes: { host: string; port: number }[];
  db: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** Every key the store writes starts with it (`?prefix=`), so several deployments or tests share one Redis. */
  prefix: string;
  /** How long a command may wait for its answer before the request fails with 503 (`?timeout_ms=`). */
  timeoutMs: number;
  /** The URL without its password, for messages and `/health`. */
  display: string;
}

export const DEFAULT_PREFIX = 'tessera:';
const DEFAULT_TIMEOUT_MS = 2000;

const invalid = (message: string) => new TesseraError('validation', `TESSERA_ONLINE_URL (--online-url): ${message}`, [{ path: 'onlineUrl', message }]);

/**
 * `redis://[user:password@]host[:port][/db][?prefix=...&timeout_ms=...]`, `rediss://` for TLS, and
 * `redis+cluster://h1:6379,h2:6379` for Redis Cluster (seed nodes; the cluster has no db index).
 */
export function parseRedisUrl(url: string): RedisLocation {
  const match = /^(redis|rediss|redis\+cluster|rediss\+cluster):\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/.exec(url);
  if (!match) throw invalid(`'${redact(url)}' is not a Redis URL (redis://host:6379/0 or redis+cluster://h1:6379,h2:6379)`);
  const [, scheme, auth, hosts, dbText, query] = match;
  const cluster = scheme.endsWith('+cluster');
  const nodes = hosts.split(',').map((h) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(h);
    const port = Number(m?.[2] ?? 6379);
    if (!m || port < 1 || port > 65535) throw invalid(`'${h}' is not host:port`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
  if (!cluster && nodes.length > 1) throw invalid('several hosts need redis+cluster://');
  const db = dbText === undefined || dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw invalid(`the database '${dbText}' is not a number`);
  if (cluster && db !== 0) throw invalid('Redis Cluster has only database 0');
  const params = new URLSearchParams(query ?? '');
  for (const name of params.keys()) if (name !== 'prefix' && name !== 'timeout_ms') throw invalid(`unknown parameter '${name}' (prefix, timeout_ms)`);
  const prefix = params.get('prefix') ?? DEFAULT_PREFIX;
  const timeoutMs = Number(params.get('timeout_ms') ?? DEFAULT_TIMEOUT_MS);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw invalid(`timeout_ms '${params.get('timeout_ms')}' is not a positive integer`);
  let username: string | undefined;
  let password: string | undefined;
  if (auth !== undefined) {
    const colon = auth.indexOf(':');
    username = decodeURIComponent(colon < 0 ? auth : auth.slice(0, colon)) || undefined;
    password = colon < 0 ? undefined : decodeURIComponent(auth.slice(colon + 1));
  }
  return { cluster, nodes, db, tls: scheme.startsWith('rediss'), username, password, prefix, timeoutMs, display: redact(url) };
}

/** The URL with its password replaced, so it can be printed and logged. */
function redact(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
