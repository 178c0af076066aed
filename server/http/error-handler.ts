import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';
import { AuthError } from '../auth/auth-error.js';
import { TesseraError } from '../errors.js';
import { tooLarge } from './body.js';
import { problemFor, sendProblem } from './problem.js';

/** Errors raised by express's body reader carry a `type` and a status. */
interface BodyReaderError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

const BODY_ERRORS: Record<string, (e: BodyReaderError) => TesseraError> = {
  'entity.too.large': (e) => tooLarge(e.limit ?? 0),
  'entity.verify.failed': (e) => new TesseraError('validation', e.message, [{ path: '(body)', message: e.message }]),
  'request.aborted': () => new TesseraError('validation', 'the request was aborted before its body was read', [{ path: '(body)', message: 'aborted' }]),
  'request.size.invalid': () => new TesseraError('validation', 'the request body is shorter than its Content-Length', [{ path: '(body)', message: 'truncated' }]),
  'encoding.unsupported': (e) => new TesseraError('unsupported_media_type', e.message, [{ path: '(header) content-encoding', message: e.message }]),
  'charset.unsupported': (e) => new TesseraError('unsupported_media_type', e.message, [{ path: '(header) content-type', message: e.message }]),
};

/**
 * The TesseraError an error stands for: itself, a mapped body-reader error, any other error express
 * raises with a 4xx status (a malformed `%` escape in a path parameter, a body that does not
 * decompress), or null for a bug.
 */
export function knownError(err: unknown): TesseraError | null {
  if (err instanceof TesseraError) return err;
  const e = err as BodyReaderError | undefined;
  const mapped = e?.type ? BODY_ERRORS[e.type] : undefined;
  if (mapped) return mapped(e!);
  const status = e?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  if (e instanceof URIError) return new TesseraError('validation', `the URL cannot be decoded: ${e.message}`, [{ path: '(url)', message: e.message }]);
  const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'validation';
  return new TesseraError(code, `the request body cannot be read: ${e!.message}`, [{ path: '(body)', message: e!.message }]);
}

/** Every other error is a bug: answered as a 500 whose detail says it was logged. */
export const INTERNAL = (): TesseraError => new TesseraError('internal', 'an internal error occurred; it has been logged');

/** Turns every error into a problem document; anything that is not a TesseraError is a bug: a 500, logged. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let error = knownError(err);
    if (!error) {
      logger.error({ err, reqId: req.id, url: req.originalUrl }, 'unhandled error');
      error = INTERNAL();
    }
    if (res.headersSent) {
      // A streamed answer failed half-way: all we can do is cut the connection so the client sees it.
      logger.error({ err, reqId: req.id }, 'error after the response started');
      res.destroy();
      return;
    }
    if (error instanceof AuthError) res.set(error.headers);
    sendProblem(res, problemFor(error, req.originalUrl));
  };
}
