import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from '../sources/http-access.js';

/** Thrown when no answer came within the attempt's timeout. */
export class WebhookTimeout extends Error {}

/**
 * One POST with node:http(s), pinned to addresses checked beforehand (the socket's `lookup` answers
 * them instead of asking DNS again, so a rebinding name cannot redirect it). Resolves with the
 * status as soon as the answer's headers arrive (the body is drained, not awaited); no redirect is
 * followed. Rejects on a network error, on `signal`, or after `timeoutMs` without an answer.
 */
export function postOnce(request: { url: URL; addresses: readonly ResolvedAddress[]; headers: Record<string, string>; body: string; timeoutMs: number; signal: AbortSignal }): Promise<number> {
  const { url, addresses } = request;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const all = addresses.map((a) => ({ address: a.address, family: a.family }));
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0].address, all[0].family);
  };
  const secure = url.protocol === 'https:';
  return new Promise<number>((resolve, reject) => {
    const req = (secure ? https : http).request(url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(request.body)) },
      agent: false,
      lookup: pinned,
      signal: request.signal,
    });
    const timer = setTimeout(() => req.destroy(new WebhookTimeout(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      res.on('error', () => undefined);
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.end(request.body);
  });
}
