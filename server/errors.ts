/**
 * Typed errors. Every failure that a caller can cause carries a code; `server/http/problem.ts` maps
 * codes to HTTP statuses in one table, so no route decides a status on its own.
 */
export type ErrorCode =
  | 'validation' // the input does not match a schema or a rule; `errors` names the fields
  | 'not_found' // a named object does not exist
  | 'conflict' // the request is valid but clashes with the current state (a run in progress, a reference in use)
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_acceptable'
  | 'method_not_allowed' // the path exists, not with this method (405 with Allow)
  | 'headers_too_large' // the request's headers pass Node's limit (431)
  | 'request_timeout' // the request did not arrive within Node's time limits (408)
  | 'source_error' // a source could not be read (file missing, HTTP 5xx, timeout)
  | 'source_refused' // a source reaches what the server does not allow (outside the file roots, a private address, a write, an unset secret): not retried
  | 'transform_error' // a transform cannot be applied to the data (log1p of -1)
  | 'validation_failed' // a strict view's run read rows that fail its expectations
  | 'unknown_push_source' // a push names no push source (Feast answers 422: PushSourceNotFoundException)
  | 'schema_too_new' // the registry database was written by newer code
  | 'unavailable' // a store does not answer
  | 'unsupported' // valid, but not with this configuration (the sync SDK over a non-embedded online store)
  | 'unauthenticated' // no credentials, or credentials that do not check out (401 with WWW-Authenticate)
  | 'forbidden' // the identity is known but no permission grants the action (403)
  | 'rate_limited' // the identity spent its request budget (429 with Retry-After)
  | 'internal';

export interface FieldError {
  /** Path to the offending field, written as in JavaScript: `featureViews[0].features[1].name`. */
  path: string;
  message: string;
}

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];

  constructor(code: ErrorCode, message: string, errors: FieldError[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TesseraError';
    this.code = code;
    this.errors = errors;
  }
}

export function validationError(message: string, errors: FieldError[] = []): TesseraError {
  return new TesseraError('validation', message, errors);
}

export function notFound(what: string, name: string | number, path?: string): TesseraError {
  const message = `${what} '${name}' does not exist`;
  return new TesseraError('not_found', message, path ? [{ path, message }] : []);
}

export function conflict(message: string, errors: FieldError[] = []): TesseraError {
  return new TesseraError('conflict', message, errors);
}

export function isTesseraError(e: unknown): e is TesseraError {
  return e instanceof TesseraError;
}

/** Joins a path (as zod reports it) into `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A caller's value as error messages show it: its JSON, cut to 80 characters. A value too deep to
 * print (the stack runs out) is named by its kind, so describing bad input never fails itself.
 */
export function describeValue(value: unknown): string {
  // JSON.parse reads 1e309 as Infinity, which JSON.stringify writes as null: the message said "null".
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (a number beyond the float64 range)`;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  // A BigInt (an exact wide integer) has no JSON: its digits, cut like any other text.
  if (text === undefined) text = Array.isArray(value) ? 'an array' : value !== null && typeof value === 'object' ? 'an object' : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
