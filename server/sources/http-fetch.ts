import { setTimeout as delay } from 'node:timers/promises';
import { TesseraError, errorMessage } from '../errors.js';

export interface HttpGet {
  url: string;
  headers: Record<string, string>;
  /** For the answer's headers, and then for each chunk of its body. */
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
 * GETs a URL and returns its body as a stream of chunks. Network errors, timeouts and 5xx answers are
 * retried with exponential backoff; a 4xx fails at once (asking again would get the same answer). The
 * final error names the URL, the attempts made and the last cause. Once the body flows, a failure is a
 * source error too (the run, which commits nothing until the end, is retried as a whole). The caller's
 * abort signal stops everything.
 */
export async function openWithRetry(get: HttpGet, deps: HttpDeps, sourceName: string): Promise<AsyncGenerator<Uint8Array>> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms, undefined, { signal: get.signal }));
  const attempts = get.retries + 1;
  let lastCause = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    get.signal?.throwIfAborted();
    const deadline = new AbortController();
    const signal = get.signal === undefined ? deadline.signal : AbortSignal.any([get.signal, deadline.signal]);
    const timer = setTimeout(() => deadline.abort(), get.timeoutMs);
    try {
      const response = await deps.fetch(get.url, { method: 'GET', headers: get.headers, signal });
      clearTimeout(timer);
      if (response.ok) return chunksOf(response, deadline, get, sourceName);
      await response.body?.cancel().catch(() => undefined);
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (response.status < 500) {
        throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} answered ${status}`);
      }
      lastCause = status;
    } catch (e) {
      clearTimeout(timer);
      if (e instanceof TesseraError) throw e;
      if (get.signal?.aborted) throw get.signal.reason;
      lastCause = deadline.signal.aborted ? `timed out after ${get.timeoutMs} ms` : describeFailure(e);
    }
    if (attempt < attempts) await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
  }
  throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}; last error: ${lastCause}`);
}

/** The body, chunk by chunk; each chunk must come within the timeout (time spent by the caller between chunks does not count). */
async function* chunksOf(response: Response, deadline: AbortController, get: HttpGet, sourceName: string): AsyncGenerator<Uint8Array> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let finished = false;
  try {
    for (;;) {
      const timer = setTimeout(() => deadline.abort(), get.timeoutMs);
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (e) {
        if (get.signal?.aborted) throw get.signal.reason;
        const cause = deadline.signal.aborted ? `no data for ${get.timeoutMs} ms` : describeFailure(e);
        throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url}: reading the answer failed: ${cause}`, [], { cause: e });
      } finally {
        clearTimeout(timer);
      }
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (an error downstream, an abort): close the connection instead of reading the rest.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** undici says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in `cause`. */
function describeFailure(e: unknown): string {
  const message = errorMessage(e);
  const cause = e instanceof Error ? e.cause : undefined;
  return cause === undefined ? message : `${message}: ${errorMessage(cause)}`;
}
