import type { NextFunction, Request, Response } from 'express';
import { actorName } from '../auth/audit-log.js';
import type { AuthGate, GateRequest } from '../auth/auth-gate.js';
import { describeResource } from '../auth/auth-gate.js';
import type { Identity } from '../auth/identity.js';
import { ADMIN_ONLY, type AuthInput, type RouteAuth } from '../auth/route-auth.js';
import type { Catalog } from '../registry/catalog.js';
import type { RouteDoc } from './openapi/route-doc.js';
import { authorizationHeader } from './authorization-header.js';
import { routeMatcher } from './route-matcher.js';

/** Where the gate leaves the check a body route makes once its body is read (`parsedBody` calls it). */
export const BODY_CHECK = Symbol('tessera.bodyCheck');

type WithBodyCheck = Request & { [BODY_CHECK]?: (body: unknown) => void };

export function hasBodyCheck(req: Request): boolean {
  return (req as WithBodyCheck)[BODY_CHECK] !== undefined;
}

/** Runs the body check the auth middleware left on `req`, if any: throws the 403. */
export function checkBody(req: Request, body: unknown): void {
  (req as WithBodyCheck)[BODY_CHECK]?.(body);
}

const MUTATING = new Set(['CREATE', 'UPDATE', 'DELETE', 'WRITE_ONLINE', 'WRITE_OFFLINE']);

/** A route's declared auth; a route that declares none is for admins only. */
export function routeAuth(route: RouteDoc): RouteAuth {
  return route.auth ?? ADMIN_ONLY;
}

/**
 * Express middleware in front of every route: authenticates, limits and authorizes (auth-gate.ts),
 * and writes every mutating call to the audit log once it is answered (who, what, on what, status).
 * Paths no route serves pass on to the 404.
 */
export function authMiddleware(deps: { gate: AuthGate; routes: readonly RouteDoc[]; catalog: () => Catalog }) {
  const match = routeMatcher(deps.routes);
  const { gate } = deps;
  return (req: Request, res: Response, next: NextFunction): void => {
    const found = match(req.method, req.path);
    if (!found) {
      next();
      return;
    }
    const auth = routeAuth(found.route);
    if (auth.kind === 'open') {
      next();
      return;
    }
    const gateReq: GateRequest = { label: `${found.route.method.toUpperCase()} ${found.route.path}`, auth };
    const input = (body?: unknown): AuthInput => ({ params: found.params, query: req.query as Record<string, unknown>, body, catalog: deps.catalog() });
    const refuse = (e: unknown) => {
      // The gate wrote its refusals to the audit log already.
      res.locals.authRefused = true;
      next(e);
    };
    let authorization: string | undefined;
    try {
      // With auth off no credentials are read, so none can be ambiguous.
      authorization = gate.enabled() ? authorizationHeader(req, gate, gateReq) : undefined;
    } catch (e) {
      refuse(e);
      return;
    }
    gate.identify(authorization, gateReq).then((identity) => {
      try {
        gate.admitUrl(identity, gateReq, () => input());
      } catch (e) {
        return refuse(e);
      }
      res.locals.identity = identity;
      // The body as the check read it: an entity route keeps `req.body` raw (a Buffer, naming nothing),
      // and the audit entry must name what the check decided on.
      let checked: { body: unknown } | null = null;
      (req as WithBodyCheck)[BODY_CHECK] = (body) => {
        checked = { body };
        try {
          gate.admitBody(identity, gateReq, input(body));
        } catch (e) {
          res.locals.authRefused = true;
          throw e;
        }
      };
      res.once('finish', () => auditCall(gate, identity, gateReq, found.route, res, () => input(checked ? checked.body : req.body)));
      next();
    }, refuse);
  };
}

function auditCall(gate: AuthGate, identity: Identity, req: GateRequest, route: RouteDoc, res: Response, input: () => AuthInput): void {
  if (res.locals.authRefused === true) return;
  auditMutatingCall(gate, identity, req, route.method, res.statusCode, typeof res.locals.auditDetail === 'string' ? res.locals.auditDetail : null, input);
}

/**
 * Writes an answered call to the audit log when it mutates (any non-GET of an admin route; else a
 * need to create, update, delete or write): who, what, on what, status, and `rows=N` for a `df` body.
 * The express middleware calls it once the answer is sent; node:http fast paths call it themselves.
 */
export function auditMutatingCall(gate: AuthGate, identity: Identity, req: GateRequest, method: string, status: number, detail: string | null, input: () => AuthInput): void {
  let needs: ReturnType<AuthGate['needsOf']> = [];
  try {
    needs = gate.needsOf(req, input());
  } catch {
    needs = [];
  }
  const mutating = req.auth.kind === 'admin' ? method !== 'get' : needs.some((n) => MUTATING.has(n.action));
  if (!mutating) return;
  const body = input().body as { df?: Record<string, unknown[]> } | undefined;
  const firstColumn = body?.df && typeof body.df === 'object' ? Object.values(body.df)[0] : undefined;
  const rows = Array.isArray(firstColumn) ? `rows=${firstColumn.length}` : null;
  gate.audit.record({
    at: gate.now(),
    actor: actorName(identity),
    action: req.label,
    resource: needs.length > 0 ? [...new Set(needs.map((n) => describeResource(n.resource)))].join(', ') : req.label,
    outcome: status < 400 ? 'ok' : 'failed',
    status,
    detail: [detail, rows].filter((d) => d !== null).join(' ') || null,
  });
}
