import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Connector, ResolvedAddress } from './http-access.js';
import { effectivePort } from './http-allow.js';

export interface GetRequest {
  url: URL;
  /** The checked addresses of the URL's host: the connection goes to one of these, and nowhere else. */
  addresses: readonly ResolvedAddress[];
  headers: Record<string, string>;
  /** For the answer's headers, and then for each chunk of its body. */
  timeoutMs: number;
  signal?: AbortSignal;
  connect?: Connector;
}

export interface GetAnswer {
  status: number;
  statusText: string;
  location: string | undefined;
  /** Declared size of the body (before decompression), when the server sent one. */
  contentLength: number | null;
  /** The body, decompressed. */
  body: Readable;
  /** Closes the connection without reading the rest. */
  discard(): void;
}

/** Thrown (as a request's error) when no answer, or no chunk of it, came within the timeout. */
export class HttpTimeout extends Error {
  constructor(readonly phase: 'answer' | 'body') {
    super(phase);
  }
}

/**
 * One GET with node:http(s), pinned to addresses checked beforehand: the `lookup` handed to the
 * socket returns them instead of asking DNS again. No redirect is followed here. Bodies in gzip,
 * deflate or br are decompressed (fetch did that for the sources before).
 */
export function getOnce(request: GetRequest): Promise<GetAnswer> {
  const { url, addresses } = request;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    const all = addresses.map((a) => ({ address: a.address, family: a.family }));
    if ((options as { all?: boolean }).all) (callback as (e: null, a: typeof all) => void)(null, all);
    else callback(null, all[0].address, all[0].family);
  };
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  const connect = request.connect;
  if (connect) {
    const first = addresses[0];
    // Tests only: the injected connector gets the checked address (and may connect somewhere safe).
    (agent as unknown as { createConnection: () => unknown }).createConnection = () => connect({ host: url.hostname, address: first.address, family: first.family, port: effectivePort(url) });
  }
  return new Promise<GetAnswer>((resolve, reject) => {
    const req = (secure ? https : http).request(url, { method: 'GET', headers: request.headers, agent, lookup: pinned, signal: request.signal });
    const timer = setTimeout(() => req.destroy(new HttpTimeout('answer')), request.timeoutMs);
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      const length = res.headers['content-length'];
      const body = decompress(res, res.headers['content-encoding']);
      // A failure after the answer began (a cut connection) surfaces through the body's iterator.
      req.on('error', (e) => body.destroy(e));
      if (body !== res) res.on('error', (e) => body.destroy(e));
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        location: res.headers.location,
        contentLength: length === undefined || !/^\d+$/.test(length) ? null : Number(length),
        body,
        discard: () => {
          req.destroy();
          body.destroy();
        },
      });
    });
    req.end();
  });
}

function decompress(res: http.IncomingMessage, encoding: string | undefined): Readable {
  const coding = (encoding ?? '').trim().toLowerCase();
  const decoder = coding === 'gzip' || coding === 'x-gzip' ? zlib.createGunzip() : coding === 'deflate' ? zlib.createInflate() : coding === 'br' ? zlib.createBrotliDecompress() : null;
  return decoder === null ? res : res.pipe(decoder);
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
