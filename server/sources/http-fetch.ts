import { setTimeout as delay } from 'node:timers/promises';
import { TesseraError, errorMessage } from '../errors.js';

export interface HttpGet {
  url: string;
  headers: Record<string, string>;
  /** Per attempt, covering the answer's body too. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  signal?: AbortSignal;
}

export interface HttpDeps {
  fetch: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** First wait between attempts; it doubles after every failed attempt (200, 400, 800 ms...). */
export const RETRY_BASE_MS = 200;

/**
 * GETs a URL and returns the body as text. Network errors, timeouts and 5xx answers are retried with
 * exponential backoff; a 4xx fails at once (asking again would get the same answer). The final error
 * names the URL, the attempts made and the last cause. The caller's abort signal stops everything.
 */
export async function fetchWithRetry(get: HttpGet, deps: HttpDeps, sourceName: string): Promise<string> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms, undefined, { signal: get.signal }));
  const attempts = get.retries + 1;
  let lastCause = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    get.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(get.timeoutMs);
    const signal = get.signal === undefined ? timeout : AbortSignal.any([get.signal, timeout]);
    try {
      const response = await deps.fetch(get.url, { method: 'GET', headers: get.headers, signal });
      if (response.ok) return await response.text();
      await response.body?.cancel().catch(() => undefined);
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status < 500) {
        throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} answered ${status}`);
      }
      lastCause = status;
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      if (get.signal?.aborted) throw get.signal.reason;
      lastCause = timeout.aborted ? `timed out after ${get.timeoutMs} ms` : describeFailure(e);
    }
    if (attempt < attempts) await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
  }
  throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}; last error: ${lastCause}`);
}

/** undici says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in `cause`. */
function describeFailure(e: unknown): string {
  const message = errorMessage(e);
  const cause = e instanceof Error ? e.cause : undefined;
  return cause === undefined ? message : `${message}: ${errorMessage(cause)}`;
}
