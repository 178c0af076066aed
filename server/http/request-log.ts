import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Request id: the caller's `X-Request-Id` when sane, else this process's prefix and a counter. Echoed in the response. */
    id: string;
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request ids: the caller's `X-Request-Id` when sane, else a random per-process prefix and a
 * counter: unique across processes, and far cheaper than a UUID per request on the online path.
 */
export function requestIds(): (given: string | string[] | undefined) => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return (given) => (typeof given === 'string' && SANE_ID.test(given) ? given : `${prefix}-${(++counter).toString(36)}`);
}

/** The one access-log line per request, at a level chosen by its status. */
export function logRequest(logger: Logger, entry: { reqId: string; method: string | undefined; url: string | undefined; status: number; started: bigint }): void {
  const level = entry.status >= 500 ? 'error' : entry.status >= 400 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const ms = Number(process.hrtime.bigint() - entry.started) / 1e6;
  logger[level]({ reqId: entry.reqId, method: entry.method, url: entry.url, status: entry.status, ms: Math.round(ms * 1000) / 1000 }, 'request');
}

/** Express middleware: gives each request an id, echoes it, and logs one line when the request finishes. */
export function requestLog(logger: Logger, nextId = requestIds()) {
  return (req: Request, res: Response, next: NextFunction): void => {
    req.id = nextId(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.once('finish', () => logRequest(logger, { reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, started }));
    next();
  };
}
