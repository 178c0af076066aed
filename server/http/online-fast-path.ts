import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthError } from '../auth/auth-error.js';
import type { AuthGate, GateRequest } from '../auth/auth-gate.js';
import type { Identity } from '../auth/identity.js';
import { ADMIN_ONLY, type RouteAuth } from '../auth/route-auth.js';
import type { Logger } from '../logger.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import type { OnlineService } from '../serving/online-service.js';
import { authorizationHeader } from './authorization-header.js';
import { FEAST_BODY, decodeBody, mediaType, tooLarge } from './body.js';
import { INTERNAL, knownError } from './error-handler.js';
import { problemFor } from './problem.js';
import { logRequest, requestIds } from './request-log.js';

/** A handler in front of express: true when it took the request, false to pass it on. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PATH = '/get-online-features';
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * `POST /get-online-features` on node:http directly. Express's routing, body reader and response
 * helpers cost about as much CPU as the lookup itself (see BENCHMARKS.md), and this is the path an
 * inference service calls on every prediction. It answers exactly as the express route does: same
 * body limit (413), content types (415), problem documents, request ids and access log. Requests it
 * does not take (other routes and methods, compressed bodies) go on to express, which still serves
 * the same endpoint.
 */
export function onlineFastPath(deps: {
  online: OnlineService;
  bodyLimit: number;
  logger: Logger;
  nextId?: ReturnType<typeof requestIds>;
  metrics?: HttpMetrics;
  /** Authentication and permissions, as express applies them (the route's own declaration). */
  gate?: AuthGate;
  auth?: RouteAuth;
}): NodeHandler {
  const nextId = deps.nextId ?? requestIds();
  const { online, bodyLimit, logger, metrics, gate } = deps;
  const tally = metrics?.route('POST', PATH);
  const gateReq: GateRequest = { label: `POST ${PATH}`, auth: deps.auth ?? ADMIN_ONLY };
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || (url !== PATH && !url.startsWith(`${PATH}?`))) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;

    const started = process.hrtime.bigint();
    const reqId = nextId(req.headers['x-request-id']);
    let answered = false;
    const answer = (status: number, type: string, body: string, close = false, extra: Record<string, string> = {}) => {
      if (answered) return;
      answered = true;
      const headers: Record<string, string | number> = { ...extra, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': reqId };
      if (close) headers.Connection = 'close';
      res.writeHead(status, headers);
      res.end(body);
      logRequest(logger, { reqId, method: req.method, url, status, started });
      tally?.record(status, started);
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
    // Credentials are checked before the body arrives: a key with a fresh verdict costs one SHA-256 and
    // no promise (auth-gate.ts identifyNow); others are verified while the body is read; auth off costs nothing.
    let identity: Identity | undefined;
    let refusal: unknown = null;
    let who: Promise<Identity> | null = null;
    if (gate?.enabled()) {
      let authorization: string | undefined;
      try {
        authorization = authorizationHeader(req, gate, gateReq);
        identity = gate.identifyNow(authorization, gateReq);
      } catch (e) {
        refusal = e;
      }
      if (identity === undefined && refusal === null) {
        who = gate.identifyLater(authorization, gateReq);
        who.catch(() => undefined);
      }
    }
    const admitted = (identity: Identity, body: unknown): void => {
      gate!.admitUrl(identity, gateReq, () => ({ params: {}, query: {}, catalog: gate!.catalog() }));
      gate!.admitBody(identity, gateReq, { params: {}, query: {}, body, catalog: gate!.catalog() });
    };

    // Too large: answer at once and close the connection; the rest of the body is read and dropped.
    if (Number(req.headers['content-length']) > bodyLimit) {
      req.resume();
      fail(tooLarge(bodyLimit), true);
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
      let body: unknown;
      try {
        body = decodeBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), mediaType(req), FEAST_BODY);
      } catch (e) {
        return fail(e);
      }
      if (refusal !== null) return fail(refusal);
      if (who === null) {
        try {
          if (identity !== undefined) admitted(identity, body);
        } catch (e) {
          return fail(e);
        }
        return void online.getJson(body, reqId).then((json) => answer(200, JSON_TYPE, json), fail);
      }
      who
        .then((identity) => {
          admitted(identity, body);
          return online.getJson(body, reqId);
        })
        .then((json) => answer(200, JSON_TYPE, json), fail);
    });
    // The client went away mid-body: there is nobody to answer.
    req.on('error', () => {
      answered = true;
      res.destroy();
    });
    return true;
  };
}
