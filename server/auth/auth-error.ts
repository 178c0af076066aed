import { TesseraError } from '../errors.js';

/** An authentication, authorization or rate-limit refusal, with the headers its answer carries. */
export class AuthError extends TesseraError {
  constructor(
    code: 'unauthenticated' | 'forbidden' | 'rate_limited',
    message: string,
    readonly headers: Record<string, string>,
    path: string,
  ) {
    super(code, message, [{ path, message }]);
  }
}

/** 401: never says which part of the credentials was wrong, and never repeats them. */
export function unauthenticated(missing: boolean): AuthError {
  return new AuthError(
    'unauthenticated',
    missing ? 'this endpoint needs credentials: send Authorization: Bearer <API key or OIDC token>' : 'the credentials are not valid (unknown, wrong, expired or revoked)',
    { 'WWW-Authenticate': missing ? 'Bearer realm="tessera"' : 'Bearer realm="tessera", error="invalid_token"' },
    '(header) authorization',
  );
}

export function forbidden(action: string, resource: string): AuthError {
  return new AuthError('forbidden', `no permission grants ${action} on ${resource} to this identity`, {}, '(auth)');
}

export function rateLimited(retryAfterSeconds: number): AuthError {
  return new AuthError('rate_limited', `too many requests from this identity; retry in ${retryAfterSeconds} s`, { 'Retry-After': String(retryAfterSeconds) }, '(auth)');
}
