import { AuthError } from '../auth/auth-error.js';
import type { AuthGate, GateRequest } from '../auth/auth-gate.js';
import type { Identity } from '../auth/identity.js';
import type { AuthInput } from '../auth/route-auth.js';
import type { Logger } from '../logger.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import type { PushService } from '../push/push-service.js';
import { auditMutatingCall, routeAuth } from './auth-middleware.js';
import { authorizationHeader } from './authorization-header.js';
import { FEAST_BODY, decodeBody, mediaType, tooLarge } from './body.js';
import { INTERNAL, knownError } from './error-handler.js';
import type { NodeHandler } from './online-fast-path.js';
import { problemFor } from './problem.js';
import { logRequest, requestIds } from './request-log.js';
import { PUSH_ROUTES } from './routes/push.js';
import { parseInput } from './validate.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * `POST /push` and `POST /write-to-online-store` on node:http directly, as `onlineFastPath` serves
 * online features: a 1-row push spent most of its CPU in express's routing, body reader, prototype
 * swaps and response helpers (README, Push), and a streaming client pushes one row per event. It
 * answers exactly as the express routes do: body limit (413), content types (415), authentication
 * and the body's permissions, problem documents, request ids, access log, metrics, and the audit
 * entry of every admitted call. Compressed bodies go on to express, which serves the same routes.
 */
export function pushFastPath(deps: { push: PushService; bodyLimit: number; logger: Logger; gate: AuthGate; nextId?: ReturnType<typeof requestIds>; metrics?: HttpMetrics }): NodeHandler {
  const nextId = deps.nextId ?? requestIds();
  const { push, bodyLimit, logger, gate, metrics } = deps;
  const routes = [
    { doc: PUSH_ROUTES.push, run: (body: unknown) => push.push(parseInput(PUSH_ROUTES.push.body.schema, body)) },
    { doc: PUSH_ROUTES.writeToOnlineStore, run: (body: unknown) => push.writeToOnlineStore(parseInput(PUSH_ROUTES.writeToOnlineStore.body.schema, body)) },
  ].map((r) => ({
    ...r,
    path: r.doc.path,
    tally: metrics?.route('POST', r.doc.path),
    gateReq: { label: `POST ${r.doc.path}`, auth: routeAuth(r.doc) } satisfies GateRequest,
  }));

  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST') return false;
    const path = url.includes('?') ? url.slice(0, url.indexOf('?')) : url;
    const route = routes.find((r) => r.path === path);
    if (!route) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;
    const { gateReq } = route;

    const started = process.hrtime.bigint();
    const reqId = nextId(req.headers['x-request-id']);
    let answered = false;
    // Set once the caller is admitted: then the call is audited whatever its answer (express's rule).
    let audited: { identity: Identity; body: unknown } | null = null;
    const answer = (status: number, type: string, body: string, close = false, extra: Record<string, string> = {}) => {
      if (answered) return;
      answered = true;
      const headers: Record<string, string | number> = { ...extra, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': reqId };
      if (close) headers.Connection = 'close';
      res.writeHead(status, headers);
      res.end(body);
      logRequest(logger, { reqId, method: req.method, url, status, started });
      route.tally?.record(status, started);
      if (audited) {
        const { identity, body: sent } = audited;
        const input = (): AuthInput => ({ params: {}, query: {}, body: sent, catalog: gate.catalog() });
        auditMutatingCall(gate, identity, gateReq, 'post', status, null, input);
      }
    };
    const fail = (err: unknown, close = false) => {
      let error = knownError(err);
      if (!error) {
        logger.error({ err, reqId, url }, 'unhandled error');
        error = INTERNAL();
      }
      const problem = problemFor(error, url);
      answer(problem.status, PROBLEM_TYPE, JSON.stringify(problem), close, error instanceof AuthError ? error.headers : {});
    };
    // As express: credentials first (the gate audits its own refusals), then the URL's admission, the
    // body, and the body's permissions.
    let identity: Identity | undefined;
    let refusal: unknown = null;
    let who: Promise<Identity> | null = null;
    let authorization: string | undefined;
    try {
      // With auth off no credentials are read, so none can be ambiguous.
      authorization = gate.enabled() ? authorizationHeader(req, gate, gateReq) : undefined;
      identity = gate.identifyNow(authorization, gateReq);
    } catch (e) {
      refusal = e;
    }
    if (identity === undefined && refusal === null) {
      who = gate.identifyLater(authorization, gateReq);
      who.catch(() => undefined);
    }
    const run = (identity: Identity, buffer: Buffer): Promise<unknown> | undefined => {
      const input = (body?: unknown): AuthInput => ({ params: {}, query: {}, body, catalog: gate.catalog() });
      gate.admitUrl(identity, gateReq, () => input());
      let body: unknown;
      try {
        body = decodeBody(buffer, mediaType(req), FEAST_BODY);
      } catch (e) {
        // Admitted, but the body does not decode: audited as express audits it (its needs come from no body).
        audited = { identity, body: undefined };
        throw e;
      }
      gate.admitBody(identity, gateReq, input(body));
      audited = { identity, body };
      return route.run(body);
    };
    const respond = (identity: Identity, buffer: Buffer) => {
      let pending: Promise<unknown> | undefined;
      try {
        pending = run(identity, buffer);
      } catch (e) {
        return fail(e);
      }
      pending?.then((result) => answer(200, JSON_TYPE, JSON.stringify(result)), fail);
    };

    // Too large: answer at once and close the connection; the rest of the body is read and dropped.
    if (Number(req.headers['content-length']) > bodyLimit) {
      req.resume();
      fail(refusal ?? tooLarge(bodyLimit), true);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (answered) return;
      size += chunk.length;
      if (size > bodyLimit) fail(tooLarge(bodyLimit), true);
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (answered) return;
      const buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      if (refusal !== null) return fail(refusal);
      if (who === null) return respond(identity!, buffer);
      who.then((identity) => respond(identity, buffer), fail);
    });
    // The client went away mid-body: there is nobody to answer.
    req.on('error', () => {
      answered = true;
      res.destroy();
    });
    return true;
  };
}
