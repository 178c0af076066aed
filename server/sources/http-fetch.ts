import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { TesseraError, errorMessage } from '../errors.js';
import { type HttpAccess, checkDestination, displayUrl } from './http-access.js';
import { type GetAnswer, HttpTimeout, getOnce, isRedirect } from './http-get.js';

export interface HttpGet {
  url: string;
  /** Headers the source defines (secret references already resolved); never sent to another origin. */
  headers: Record<string, string>;
  /** For the answer's headers, and then for each chunk of its body. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  signal?: AbortSignal;
}

export interface HttpDeps {
  access: HttpAccess;
  sleep?: (ms: number) => Promise<void>;
}

/** First wait between attempts; it doubles after every failed attempt (200, 400, 800 ms...). */
export const RETRY_BASE_MS = 200;

/**
 * GETs a URL and returns its body as a stream of chunks. Before each connection the destination is
 * checked (allow list, then every resolved address) and the connection goes to the checked address;
 * redirects are followed here, at most `maxRedirects`, each checked the same way. Network errors,
 * timeouts and 5xx answers are retried with exponential backoff; a 4xx or a refusal fails at once
 * (asking again would get the same answer). The final error names the URL, the attempts made and the
 * last cause. Once the body flows, a failure is a source error too; more than `maxBytes` of body is
 * refused. The caller's abort signal stops everything.
 */
export async function openWithRetry(get: HttpGet, deps: HttpDeps, sourceName: string): Promise<AsyncGenerator<Uint8Array>> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms, undefined, { signal: get.signal }));
  const attempts = get.retries + 1;
  let lastCause = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    get.signal?.throwIfAborted();
    try {
      const answer = await follow(get, deps.access, sourceName);
      if (answer.status >= 200 && answer.status < 300) return chunksOf(answer, get, deps.access.maxBytes, sourceName);
      answer.discard();
      const status = `HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}`;
      if (answer.status < 500) throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} answered ${status}`);
      lastCause = status;
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      if (get.signal?.aborted) throw get.signal.reason;
      lastCause = e instanceof HttpTimeout ? `timed out after ${get.timeoutMs} ms` : describeFailure(e);
    }
    if (attempt < attempts) await sleep(RETRY_BASE_MS * 2 ** (attempt - 1));
  }
  throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}; last error: ${lastCause}`);
}

/** One attempt: the request and its redirects, each destination checked before it is contacted. */
async function follow(get: HttpGet, access: HttpAccess, sourceName: string): Promise<GetAnswer> {
  const first = new URL(get.url);
  let url = first;
  for (let redirects = 0; ; redirects++) {
    const what = url === first ? `source '${sourceName}': GET ${get.url}` : `source '${sourceName}': GET ${get.url} redirected to ${displayUrl(url)}, which`;
    const addresses = await checkDestination(url, access, what);
    // The source's headers (credentials among them) go to the source's origin only, as fetch does.
    const own = url.origin === first.origin ? get.headers : {};
    const answer = await getOnce({
      url,
      addresses,
      headers: { 'user-agent': 'tessera', 'accept-encoding': 'gzip, deflate, br', ...own },
      timeoutMs: get.timeoutMs,
      signal: get.signal,
      connect: access.connect,
    });
    if (!isRedirect(answer.status) || answer.location === undefined) return answer;
    answer.discard();
    if (redirects >= access.maxRedirects) throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url}: more than ${access.maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(answer.location, url);
    } catch {
      throw new TesseraError('source_error', `source '${sourceName}': GET ${displayUrl(url)} redirected to an invalid URL`);
    }
    url = next;
  }
}

/** The body, chunk by chunk; each chunk must come within the timeout (time spent by the caller between chunks does not count). */
async function* chunksOf(answer: GetAnswer, get: HttpGet, maxBytes: number, sourceName: string): AsyncGenerator<Uint8Array> {
  const tooLarge = () =>
    new TesseraError('source_refused', `source '${sourceName}': GET ${get.url}: the answer is larger than ${maxBytes} bytes, the most an HTTP source may read (TESSERA_HTTP_SOURCE_MAX_BYTES)`);
  if (answer.contentLength !== null && answer.contentLength > maxBytes) {
    answer.discard();
    throw tooLarge();
  }
  const body: Readable = answer.body;
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let total = 0;
  let finished = false;
  try {
    for (;;) {
      const timer = setTimeout(() => body.destroy(new HttpTimeout('body')), get.timeoutMs);
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (e) {
        if (get.signal?.aborted) throw get.signal.reason;
        const cause = e instanceof HttpTimeout ? `no data for ${get.timeoutMs} ms` : describeFailure(e);
        throw new TesseraError('source_error', `source '${sourceName}': GET ${get.url}: reading the answer failed: ${cause}`, [], { cause: e });
      } finally {
        clearTimeout(timer);
      }
      if (next.done) {
        finished = true;
        return;
      }
      total += next.value.length;
      if (total > maxBytes) throw tooLarge();
      yield next.value;
    }
  } finally {
    // Stopped early (an error downstream, an abort, the cap): close the connection instead of reading the rest.
    if (!finished) answer.discard();
  }
}

/** Node's socket errors say what failed in `code` and `message`; a wrapped cause says more. */
function describeFailure(e: unknown): string {
  const message = errorMessage(e);
  const cause = e instanceof Error ? e.cause : undefined;
  return cause === undefined ? message : `${message}: ${errorMessage(cause)}`;
}
