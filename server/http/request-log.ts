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
 * Gives each request an id and logs one line when it finishes (level by status). Ids are a random
 * per-process prefix and a counter: unique across processes, and far cheaper than a UUID per request
 * on the online path.
 */
export function requestLog(logger: Logger) {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && SANE_ID.test(given) ? given : `${prefix}-${(++counter).toString(36)}`;
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) logger[level]({ reqId: req.id, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 1000) / 1000 }, 'request');
    });
    next();
  };
}
