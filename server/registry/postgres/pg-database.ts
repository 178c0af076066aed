import pg from 'pg';
import { TesseraError, errorMessage } from '../../errors.js';

/** What a store runs its statements on: the pool (one statement) or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** bigint (epoch ms, ids, counts) as a JS number: every value Tessera stores is below 2^53. */
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

/** SQLSTATE classes that mean "try the transaction again": serialization failure, deadlock. */
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * True when `e` says the database cannot be reached (refused, reset, timed out, shutting down),
 * rather than that a statement was wrong: those become `unavailable` (503), the rest stay as they are.
 */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof TesseraError) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(08|57P|53)/.test(code)) return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, EPIPE...
  }
  const message = errorMessage(e);
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|not queryable|Connection ended/i.test(message);
}

export interface PgDatabaseOptions {
  url: string;
  /** How long a statement or a connection attempt may take before the caller gets `unavailable`. */
  timeoutMs: number;
  /** Where the registry is, without credentials (errors name it). */
  location: string;
}

/**
 * One pool of connections to the registry database. Statements that cannot reach the database fail
 * with `unavailable` within `timeoutMs` instead of hanging; transactions that lose a serialization
 * race are run again.
 */
export class PgDatabase implements Queryable {
  readonly pool: pg.Pool;

  constructor(private readonly options: PgDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      types,
      max: 10,
      connectionTimeoutMillis: options.timeoutMs,
      query_timeout: options.timeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'tessera',
    });
    // An idle connection the server closed (a restart) must not crash the process: the pool drops it.
    this.pool.on('error', () => undefined);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (e) {
      throw this.translate(e);
    }
  }

  /**
   * Runs `fn` in one transaction: READ COMMITTED, the stores locking the rows they decide on; or, with
   * `snapshot`, a read-only REPEATABLE READ transaction whose reads all see one moment.
   */
  async transaction<T>(fn: (q: Queryable) => Promise<T>, options: { snapshot?: boolean } = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (e) {
        throw this.translate(e);
      }
      let broken: Error | undefined;
      // A checked-out client has no listener of the pool's: a socket lost now would be emitted as an
      // unhandled 'error' and end the process. The statement in flight fails on its own; keep the error
      // so the client is dropped, not reused.
      const onError = (e: Error) => void (broken ??= e);
      client.on('error', onError);
      try {
        await client.query(options.snapshot ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        if (isConnectionError(e)) broken = e as Error;
        else await client.query('ROLLBACK').catch((r: Error) => void (broken = r));
        const code = (e as { code?: string }).code;
        if (!broken && code && RETRYABLE.has(code) && attempt < 5) continue;
        throw this.translate(e);
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    }
  }

  private ended: Promise<void> | null = null;

  /** Ends the pool once; a second call waits for the first. */
  close(): Promise<void> {
    this.ended ??= this.pool.end();
    return this.ended;
  }

  private translate(e: unknown): unknown {
    if (!isConnectionError(e)) return e;
    return new TesseraError('unavailable', `the registry (${this.options.location}) does not answer: ${errorMessage(e)}`, [], { cause: e });
  }
}

/** `postgres://user:secret@host:5432/db` as logs may show it: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}
