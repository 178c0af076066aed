import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { type FieldError, TesseraError } from '../errors.js';
import { isErrorCode } from '../http/problem.js';

/** An answer whose body has not been read yet: read it once, as text, bytes or a stream. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as it arrives. */
  stream: Readable;
  bytes(): Promise<Buffer>;
  text(): Promise<string>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Called as the request body goes out: bytes written so far, of `total`. */
  onUpload?: (sent: number, total: number) => void;
}

/**
 * Tessera's HTTP client, for the CLI, the SDK's `connect` and the examples. It is node:http with a
 * keep-alive agent, not `fetch`: `fetch` refuses the ports on the Fetch standard's block list (6566,
 * Feast's port, among them), and one connection reused across the SDK's many small requests costs
 * less than a new one each.
 */
export interface HttpClient {
  readonly baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpAnswer>;
  /** Sends JSON (when `body` is given) and parses the JSON answer; a problem document throws the TesseraError it was. */
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Closes the pooled connections. */
  close(): void;
}

const UPLOAD_CHUNK = 1 << 20;

/** What is wrong with a server's address, or null when it is an http or https URL. */
export function baseUrlProblem(text: string): string | null {
  if (!URL.canParse(text)) return `'${text}' is not a URL`;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:' ? null : `'${text}' is not an http or https URL`;
}

/** How long a request may wait with nothing arriving (no connection, no answer, no byte of the body). */
const DEFAULT_IDLE_MS = 300_000;

/**
 * `apiKey` (else TESSERA_API_KEY): sent as `Authorization: Bearer <key>` on every request (an API key
 * or an OIDC token), so the SDK, the CLI and the console's calls carry the same credentials.
 * `idleTimeoutMs` (else TESSERA_CLIENT_TIMEOUT_MS, else 5 minutes, a server's own request timeout): a
 * request that hears nothing for that long fails as `unavailable` instead of hanging for good (a
 * server that accepts connections and never answers). Long retrievals stream, so it bounds silence,
 * not a request's length.
 */
export function createHttpClient(baseUrl: string, options: { apiKey?: string; idleTimeoutMs?: number } = {}): HttpClient {
  const problem = baseUrlProblem(baseUrl);
  if (problem !== null) throw new TesseraError('validation', problem, [{ path: 'url', message: 'expected http://host:port' }]);
  const base = new URL(baseUrl);
  const transport = base.protocol === 'https:' ? https : http;
  // Idle pooled sockets are unref'd by node's agent: a CLI that is done exits without close().
  const agent = new transport.Agent({ keepAlive: true, maxSockets: 64 });
  const unreachable = (e: unknown) => new TesseraError('unavailable', `cannot reach ${baseUrl}: ${(e as Error).message}`, [], { cause: e });

  const fromEnv = process.env.TESSERA_CLIENT_TIMEOUT_MS;
  if (options.idleTimeoutMs === undefined && fromEnv && !/^[1-9]\d*$/.test(fromEnv))
    throw new TesseraError('validation', `TESSERA_CLIENT_TIMEOUT_MS '${fromEnv}' is not a whole number of milliseconds`, [
      { path: 'TESSERA_CLIENT_TIMEOUT_MS', message: 'expected milliseconds, e.g. 300000' },
    ]);
  const idleMs = options.idleTimeoutMs ?? (fromEnv ? Number(fromEnv) : DEFAULT_IDLE_MS);
  const apiKey = options.apiKey ?? process.env.TESSERA_API_KEY;
  const credentials = apiKey ? `Bearer ${apiKey}` : null;
  const request: HttpClient['request'] = (method, path, options = {}) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const url = new URL(path, base);
      const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
      const headers: Record<string, string | number> = { ...options.headers };
      let silence: TesseraError | null = null;
      if (credentials) headers.authorization = credentials;
      if (body !== undefined) headers['content-length'] = body.length;
      const req = transport.request(url, { method, agent, headers, signal: options.signal }, (res) => {
        const collect = () =>
          new Promise<Buffer>((done, fail) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.once('end', () => done(Buffer.concat(chunks)));
            // Cut off by the idle timeout mid-body: that is the error, not the socket's 'aborted'.
            res.once('error', (e) => fail(silence ?? e));
          });
        resolve({ status: res.statusCode ?? 0, headers: res.headers, stream: res, bytes: collect, text: async () => (await collect()).toString('utf8') });
      });
      req.once('error', (e) => reject(options.signal?.aborted || e instanceof TesseraError ? e : unreachable(e)));
      // The socket's inactivity, from connecting through the last byte of the answer.
      req.setTimeout(idleMs, () => {
        silence = new TesseraError('unavailable', `${baseUrl} sent nothing for ${idleMs / 1000} s (${method} ${path})`, []);
        req.destroy(silence);
      });
      if (body === undefined) return void req.end();
      if (!options.onUpload) return void req.end(body);
      // In chunks, so a large upload can report how far it got.
      let sent = 0;
      const next = () => {
        while (sent < body.length) {
          const chunk = body.subarray(sent, sent + UPLOAD_CHUNK);
          sent += chunk.length;
          options.onUpload?.(sent, body.length);
          if (!req.write(chunk)) return void req.once('drain', next);
        }
        req.end();
      };
      next();
    });

  return {
    baseUrl,
    request,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const answer = await request(method, path, body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await answer.text();
      if (answer.status < 200 || answer.status > 299) throw problemError(answer.status, text, `${method} ${path}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    close: () => agent.destroy(),
  };
}

/** A problem document (RFC 9457) back as the TesseraError it was on the server. */
export function problemError(status: number, text: string, what: string): TesseraError {
  let problem: { detail?: string; type?: string; errors?: FieldError[] } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // not a problem document: report the status
  }
  const code = typeof problem.type === 'string' ? problem.type.replace('/problems/', '') : '';
  const detail = typeof problem.detail === 'string' ? problem.detail : `${what} answered ${status}`;
  return new TesseraError(isErrorCode(code) ? code : 'internal', detail, Array.isArray(problem.errors) ? problem.errors : []);
}
