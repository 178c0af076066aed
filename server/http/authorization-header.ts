import type { IncomingMessage } from 'node:http';
import { validationError } from '../errors.js';

/**
 * The request's `Authorization` header. Node keeps the first of several and drops the others, so a
 * request with two (a proxy's added to the client's) would be decided on whichever came first:
 * more than one is a 400 instead. Reads `rawHeaders` without allocating, for the fast paths.
 */
export function authorizationHeader(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') seen++;
  }
  if (seen > 1) {
    throw validationError(`the request has ${seen} Authorization headers: the credentials are ambiguous; send one`, [{ path: '(header) authorization', message: `sent ${seen} times` }]);
  }
  return req.headers.authorization;
}
