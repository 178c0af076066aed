import path from 'node:path';
import { z } from './vendor/zod.cjs';
import { formatPath, validationError } from './errors.js';
import { parseAllowEntry } from './sources/http-allow.js';
import { parseRetention } from './prediction-logs/retention.js';

const byteSize = z.union([z.number().int().positive(), z.string().regex(/^\d+(?:\.\d+)?\s*(?:b|kb|mb|gb)?$/i, 'a size such as 1mb or 262144')]).transform((v) => {
  if (typeof v === 'number') return v;
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(v)!;
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
});

/**
 * A whole number from code or from decimal digits in a variable or flag: `z.coerce.number` would read
 * '' and ' ' as 0 (a random port), `0x10` as 16 and `7.16e3` as 7160.
 */
// Digits become a number first; anything else fails the number check with a message that says what
// is expected (a union of the two forms answered only "Invalid input").
const intFromEnv = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: `expected a whole number from ${min} to ${max}, in decimal digits` })
      .int({ error: `expected a whole number from ${min} to ${max}` })
      .min(min, { error: `expected a whole number from ${min} to ${max}` })
      .max(max, { error: `expected a whole number from ${min} to ${max}` }),
  );

/** A list from a variable (split on `separator`, blanks dropped) or from code (an array). */
const listOf = (separator: string | RegExp) =>
  z.union([z.string(), z.array(z.string())]).transform((v) => (typeof v === 'string' ? v.split(separator) : v).map((s) => s.trim()).filter((s) => s !== ''));

/** `true`/`false` (also 1/0, yes/no) from a variable; `z.coerce.boolean` would read "false" as true. */
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])], { error: 'expected true, false, 1, 0, yes or no' })
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

/**
 * The default HTTP port. Not Feast's 6566: the Fetch standard blocks that port, so browsers and
 * Node's `fetch` refuse to connect to it (`--port 6566` still gives it to tools that assume it).
 * 6567 is on no browser's block list.
 */
export const DEFAULT_PORT = 6567;

export const configSchema = z.object({
  port: intFromEnv(0, 65535).default(DEFAULT_PORT),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('.data'),
  definitions: z.string().min(1).default('feature-definitions'),
  /** Folders besides `definitions` that file sources may read (TESSERA_SOURCE_ROOTS, `path.delimiter`-separated). */
  sourceRoots: listOf(path.delimiter).default([]),
  /**
   * Hosts, addresses (CIDR) and URL prefixes HTTP sources may reach even when they are loopback,
   * private or link-local (TESSERA_HTTP_SOURCE_ALLOW, comma-separated). docs/security.md has the rules.
   */
  httpSourceAllow: listOf(/[,\s]+/)
    .default([])
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const parsed = parseAllowEntry(entry);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: `'${entry}': ${parsed}` });
      }
    }),
  /** Largest answer an HTTP source may send (after decompression); a run reading more fails. */
  httpSourceMaxBytes: byteSize.default(256 * 1024 * 1024),
  /** Listen on a non-loopback address without authentication (`--insecure-no-auth`). */
  insecureNoAuth: flag.default(false),
  /** OIDC: the provider's JWKS (a file or an http(s) URL); with issuer and audience, all three or none. */
  oidcJwks: z.string().min(1).optional(),
  oidcIssuer: z.string().min(1).optional(),
  oidcAudience: z.string().min(1).optional(),
  /** The claim (dotted path) holding an OIDC token's roles. */
  oidcRolesClaim: z.string().min(1).default('roles'),
  /** How long a verified API key is trusted without checking the registry again (a revocation elsewhere takes up to this long). */
  keyCacheMs: intFromEnv(0, 3_600_000).default(10_000),
  /** Requests per minute per identity on expensive endpoints (offline reads, writes, materialization); 0 = no limit. */
  rateLimitPerMinute: intFromEnv(0, 100_000_000).default(0),
  /** Origins browsers may call from (CORS); none by default. */
  corsOrigins: listOf(/[,\s]+/).default([]),
  /** Serve HTTPS directly with this certificate and key (PEM files); both or neither. */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  /** What this process does: `api` answers HTTP and never runs pipelines; `worker` runs the scheduler and pipelines (and `/health`); `all` both. */
  role: z.enum(['all', 'api', 'worker']).default('all'),
  /** The offline root (snapshots' Parquet files), shared by every process; unset = `<dataDir>/offline`. */
  offlineDir: z.string().min(1).optional(),
  /** The registry behind a URL (postgres://user@host:5432/db); unset = `<dataDir>/registry.db`. */
  registryUrl: z.string().min(1).optional(),
  /** How long a registry statement or connection may take before requests get 503 (PostgreSQL). */
  registryTimeoutMs: intFromEnv(100, 600_000).default(5_000),
  /** The online store behind a URL; unset = `<dataDir>/online.db`. */
  onlineUrl: z.string().min(1).optional(),
  /** Largest JSON body, except entity uploads. */
  bodyLimit: byteSize.default(16 * 1024 * 1024),
  /** Largest entity upload (`/get-historical-features`, `/api/v1/training-datasets`). */
  uploadLimit: byteSize.default(256 * 1024 * 1024),
  /** Most entity rows in one online request (Feast has no such limit: the default is the largest, the body limit binds first). */
  maxOnlineRows: intFromEnv(1, 10_000_000).default(10_000_000),
  workers: intFromEnv(1, 64).default(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Apply the definitions folder at start-up. */
  applyOnStart: z.boolean().default(true),
  /** Run the scheduler and pipelines in this process (when it holds the lease). */
  scheduler: z.boolean().default(true),
  /** Run pipelines in a worker thread (off the HTTP event loop), or inline (tests, the CLI). */
  pipelineThread: z.boolean().default(true),
  /** Rows per source batch. */
  batchSize: intFromEnv(1, 10_000_000).default(65_536),
  /** Rows per offline Parquet file at most: a snapshot of N rows has ceil(N / rowsPerFile) files. */
  rowsPerFile: intFromEnv(1, 100_000_000).default(1_000_000),
  /** Rows per Parquet row group in offline files (the unit readers skip by its min/max statistics). */
  rowGroupRows: intFromEnv(1, 10_000_000).default(100_000),
  /** How often the lease holder looks for snapshots to compact (0 = never). */
  compactionIntervalMs: intFromEnv(0, 86_400_000).default(60_000),
  /** How often the lease holder evaluates the alert rules (0 = only when asked: POST /api/v1/alerts/evaluate). */
  alertIntervalMs: intFromEnv(0, 86_400_000).default(60_000),
  /** Compact a view version once it has more than this many small snapshots. */
  compactionMinSnapshots: intFromEnv(1, 1_000_000).default(16),
  /** A snapshot with fewer rows than this is small. */
  compactionSmallRows: intFromEnv(1, 1_000_000_000).default(1_000_000),
  /** Rows per compacted snapshot at most. */
  compactionTargetRows: intFromEnv(1, 1_000_000_000).default(10_000_000),
  /** Files of compacted-away snapshots stay at least this long (reads that pinned them may be running). */
  compactionRetainMs: intFromEnv(0, 30 * 86_400_000).default(3_600_000),
  /** Pushed offline rows: at most one snapshot commit per view version per this many ms (group commit). */
  pushCommitMs: intFromEnv(0, 3_600_000).default(1_000),
  /** Feature logging: rows the in-memory queue holds at most; when full, requests' rows are dropped and counted. */
  featureLogQueueRows: intFromEnv(1, 100_000_000).default(100_000),
  /** Feature logging: logged rows are written to Parquet at least this often (their durability delay). */
  featureLogFlushMs: intFromEnv(10, 3_600_000).default(1_000),
  /** Prometheus metrics on the request path and `GET /metrics`; off only to measure what they cost. */
  metrics: flag.default(true),
  /** Prediction log: the journal is published to Parquet at least this often. */
  predictionLogPublishMs: intFromEnv(10, 3_600_000).default(10_000),
  /** Prediction log: how many recent ids are remembered so a retried request is not logged twice. */
  predictionLogDedupeIds: intFromEnv(0, 100_000_000).default(1_000_000),
  /** Prediction log: how long a published caller id keeps a retry logged by another process out of the log (ms). */
  predictionLogDedupeMs: intFromEnv(0, 7 * 86_400_000).default(600_000),
  /** Prediction log: rows per file after compaction at most. */
  predictionLogTargetRows: intFromEnv(1, 1_000_000_000).default(2_000_000),
  /** Prediction log (and outcome) retention in days: `30` for every model, `30,churn=90` with an exception; unset = forever. */
  predictionLogRetention: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseRetention(text);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /** DuckDB memory limit of the pipeline writer (stages, deduplicates and sorts a run; spills beyond). */
  pipelineMemoryLimit: z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 1GB or 512MB')
    .default('512MB'),
  /** Which reader runs use for CSV sources: DuckDB where provably equal (csv-duckdb.ts), or the JS reader alone. */
  csvReader: z.enum(['duckdb', 'js']).default('duckdb'),
  /** A first run holds up to this many rows in memory while fitting; beyond, it spills to disk. */
  spillRows: intFromEnv(0, 100_000_000).default(1_048_576),
  /** Attempts per run when the source fails (timeouts, 5xx, missing files). */
  runAttempts: intFromEnv(1, 20).default(3),
  /** First retry delay after a source error; doubles per attempt. */
  retryDelayMs: intFromEnv(0, 3_600_000).default(5_000),
  /** Scheduler lease lifetime: another process takes over this long after the holder dies. */
  leaseMs: intFromEnv(100, 3_600_000).default(15_000),
  /** DuckDB threads for historical retrieval (0 = one per core). */
  duckdbThreads: intFromEnv(0, 256).default(0),
  /** DuckDB memory limit (DuckDB syntax); bigger retrievals spill under `<dataDir>/tmp/duckdb`. */
  duckdbMemoryLimit: z
    .string()
    .regex(/^\d+(?:\.\d+)?\s*(?:KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 1GB or 512MB')
    .default('1GB'),
  /** On SIGTERM, how long in-flight requests (a `?wait=true` materialize) may take before connections are cut. */
  shutdownGraceMs: intFromEnv(0, 3_600_000).default(30_000),
  /** How often a non-leader looks for catalog changes and queued runs. */
  pollMs: intFromEnv(10, 60_000).default(500),
});

export type Config = z.output<typeof configSchema>;

const ENV: Record<string, keyof Config> = {
  TESSERA_PORT: 'port',
  TESSERA_HOST: 'host',
  TESSERA_DATA_DIR: 'dataDir',
  TESSERA_DEFINITIONS: 'definitions',
  TESSERA_ONLINE_URL: 'onlineUrl',
  TESSERA_REGISTRY_URL: 'registryUrl',
  TESSERA_ROLE: 'role',
  TESSERA_OFFLINE_DIR: 'offlineDir',
  TESSERA_REGISTRY_TIMEOUT_MS: 'registryTimeoutMs',
  TESSERA_SOURCE_ROOTS: 'sourceRoots',
  TESSERA_HTTP_SOURCE_ALLOW: 'httpSourceAllow',
  TESSERA_HTTP_SOURCE_MAX_BYTES: 'httpSourceMaxBytes',
  TESSERA_INSECURE_NO_AUTH: 'insecureNoAuth',
  TESSERA_OIDC_JWKS: 'oidcJwks',
  TESSERA_OIDC_ISSUER: 'oidcIssuer',
  TESSERA_OIDC_AUDIENCE: 'oidcAudience',
  TESSERA_OIDC_ROLES_CLAIM: 'oidcRolesClaim',
  TESSERA_KEY_CACHE_MS: 'keyCacheMs',
  TESSERA_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  TESSERA_CORS_ORIGINS: 'corsOrigins',
  TESSERA_TLS_CERT: 'tlsCert',
  TESSERA_TLS_KEY: 'tlsKey',
  TESSERA_BODY_LIMIT: 'bodyLimit',
  TESSERA_UPLOAD_LIMIT: 'uploadLimit',
  TESSERA_MAX_ONLINE_ROWS: 'maxOnlineRows',
  TESSERA_WORKERS: 'workers',
  TESSERA_LOG_LEVEL: 'logLevel',
  TESSERA_BATCH_SIZE: 'batchSize',
  // The first layout's name for rows buffered before files were written: the same knob now
  // (TESSERA_ROWS_PER_FILE, after it, wins when both are set).
  TESSERA_FLUSH_ROWS: 'rowsPerFile',
  TESSERA_ROWS_PER_FILE: 'rowsPerFile',
  TESSERA_ROW_GROUP_ROWS: 'rowGroupRows',
  TESSERA_PIPELINE_MEMORY_LIMIT: 'pipelineMemoryLimit',
  TESSERA_COMPACTION_INTERVAL_MS: 'compactionIntervalMs',
  TESSERA_ALERT_INTERVAL_MS: 'alertIntervalMs',
  TESSERA_COMPACTION_MIN_SNAPSHOTS: 'compactionMinSnapshots',
  TESSERA_COMPACTION_SMALL_ROWS: 'compactionSmallRows',
  TESSERA_COMPACTION_TARGET_ROWS: 'compactionTargetRows',
  TESSERA_COMPACTION_RETAIN_MS: 'compactionRetainMs',
  TESSERA_PUSH_COMMIT_MS: 'pushCommitMs',
  TESSERA_FEATURE_LOG_QUEUE_ROWS: 'featureLogQueueRows',
  TESSERA_FEATURE_LOG_FLUSH_MS: 'featureLogFlushMs',
  TESSERA_METRICS: 'metrics',
  TESSERA_PREDICTION_LOG_PUBLISH_MS: 'predictionLogPublishMs',
  TESSERA_PREDICTION_LOG_DEDUPE_IDS: 'predictionLogDedupeIds',
  TESSERA_PREDICTION_LOG_DEDUPE_MS: 'predictionLogDedupeMs',
  TESSERA_PREDICTION_LOG_TARGET_ROWS: 'predictionLogTargetRows',
  TESSERA_PREDICTION_LOG_RETENTION: 'predictionLogRetention',
  TESSERA_RUN_ATTEMPTS: 'runAttempts',
  TESSERA_SPILL_ROWS: 'spillRows',
  TESSERA_CSV_READER: 'csvReader',
  TESSERA_RETRY_DELAY_MS: 'retryDelayMs',
  TESSERA_LEASE_MS: 'leaseMs',
  TESSERA_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  TESSERA_DUCKDB_THREADS: 'duckdbThreads',
  TESSERA_DUCKDB_MEMORY_LIMIT: 'duckdbMemoryLimit',
};

/** Flags win over environment variables, which win over defaults. Paths become absolute. */
export function loadConfig(flags: Partial<Record<keyof Config, unknown>>, env: NodeJS.ProcessEnv = process.env): Config {
  const merged: Record<string, unknown> = {};
  // Which variable set a key, so that an error names what the operator wrote.
  const fromEnv = new Map<string, string>();
  for (const [name, key] of Object.entries(ENV)) {
    if (env[name] === undefined || env[name] === '') continue;
    merged[key] = env[name];
    fromEnv.set(key, name);
  }
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    merged[key] = value;
    fromEnv.delete(key);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw validationError(
      'invalid configuration',
      result.error.issues.map((i) => {
        const name = fromEnv.get(String(i.path[0]));
        return { path: formatPath(i.path), message: name === undefined ? i.message : `${i.message} (${name} is '${env[name]}')` };
      }),
    );
  }
  const config = result.data;
  const oidc = { oidcJwks: config.oidcJwks, oidcIssuer: config.oidcIssuer, oidcAudience: config.oidcAudience };
  const unset = Object.entries(oidc).filter(([, v]) => v === undefined);
  if (unset.length > 0 && unset.length < 3) {
    throw validationError(
      'OIDC needs its JWKS, issuer and audience together (TESSERA_OIDC_JWKS, TESSERA_OIDC_ISSUER, TESSERA_OIDC_AUDIENCE)',
      unset.map(([key]) => ({ path: key, message: 'required when any OIDC setting is given' })),
    );
  }
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw validationError('HTTPS needs both a certificate and a key', [{ path: config.tlsCert === undefined ? 'tlsCert' : 'tlsKey', message: 'required with the other' }]);
  }
  return {
    ...config,
    dataDir: path.resolve(config.dataDir),
    definitions: path.resolve(config.definitions),
    offlineDir: config.offlineDir === undefined ? undefined : path.resolve(config.offlineDir),
    sourceRoots: config.sourceRoots.map((root) => path.resolve(root)),
  };
}
