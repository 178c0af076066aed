import type { IncomingMessage } from 'node:http';
import type { AuthGate, GateRequest } from '../auth/auth-gate.js';
import { validationError } from '../errors.js';
import { headerCount } from './header-count.js';

/**
 * The request's `Authorization` header. Node keeps the first of several and drops the others, so a
 * request with two (a proxy's added to the client's) would be decided on whichever came first:
 * more than one is a 400 instead, written to the audit log as the gate's other refusals are. Reads
 * `rawHeaders` without allocating, for the fast paths.
 */
export function authorizationHeader(req: IncomingMessage, gate: AuthGate, gateReq: GateRequest): string | undefined {
  const seen = headerCount(req.rawHeaders, 'authorization');
  if (seen > 1) {
    throw gate.refuseCredentials(
      gateReq,
      400,
      validationError(`the request has ${seen} Authorization headers: the credentials are ambiguous; send one`, [{ path: '(header) authorization', message: `sent ${seen} times` }]),
    );
  }
  return req.headers.authorization;
}
