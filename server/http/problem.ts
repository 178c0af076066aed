import type { Response } from 'express';
import { type ErrorCode, type FieldError, TesseraError } from '../errors.js';
import { feastErrorDetail } from './feast-error.js';

/** The one table from error codes to HTTP statuses and problem titles. */
export const PROBLEMS: Record<ErrorCode, { status: number; title: string }> = {
  validation: { status: 400, title: 'Invalid request' },
  not_found: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  request_timeout: { status: 408, title: 'Request timeout' },
  transform_error: { status: 422, title: 'Transform cannot be applied' },
  validation_failed: { status: 422, title: 'Source rows failed validation' },
  unknown_push_source: { status: 422, title: 'Unknown push source' },
  source_error: { status: 502, title: 'Source error' },
  source_refused: { status: 403, title: 'Source access refused' },
  unavailable: { status: 503, title: 'Service unavailable' },
  unsupported: { status: 501, title: 'Not supported by this configuration' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not permitted' },
  rate_limited: { status: 429, title: 'Too many requests' },
  schema_too_new: { status: 500, title: 'Registry schema too new' },
  internal: { status: 500, title: 'Internal error' },
};

/** RFC 9457 problem details. `type` is a relative URI served at `GET /problems/{code}`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors: FieldError[];
  instance?: string;
  /** Extension members: the Feast exception this problem is (`feast-error.ts`). */
  module: string;
  class: string;
  message: string;
}

export function problemFor(error: TesseraError, instance?: string): Problem {
  const entry = PROBLEMS[error.code];
  return {
    type: `/problems/${error.code}`,
    title: entry.title,
    status: entry.status,
    detail: error.message,
    errors: error.errors,
    ...(instance ? { instance } : {}),
    ...feastErrorDetail(error),
  };
}

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

export function isErrorCode(code: string): code is ErrorCode {
  // Own keys only: `constructor` or `__proto__` are no problem types.
  return Object.hasOwn(PROBLEMS, code);
}

export { TesseraError };
