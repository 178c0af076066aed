import type { Logger } from '../logger.js';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import { fastBatch } from '../prediction-logs/fast-batch.js';
import { predictionBatchSchema } from '../prediction-logs/prediction-log.js';
import type { PredictionLogService } from '../prediction-logs/prediction-log-service.js';
import { decodeBody, mediaType, tooLarge } from './body.js';
import { INTERNAL, knownError } from './error-handler.js';
import type { NodeHandler } from './online-fast-path.js';
import { problemFor } from './problem.js';
import { logRequest, requestIds } from './request-log.js';
import { parseInput } from './validate.js';

const PATH = '/api/v1/prediction-logs';
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/**
 * `POST /api/v1/prediction-logs` on node:http directly, as `onlineFastPath` does for online features:
 * an inference service logs every prediction, often one per request, and express's routing and body
 * reader cost more CPU than the append. It answers exactly as the express route: same body limit
 * (413), content types (415), validation (400 naming the field), 503 when the journal fails, request
 * ids and access log. Compressed bodies go on to express.
 */
export function predictionLogFastPath(deps: { logs: PredictionLogService; bodyLimit: number; logger: Logger; nextId?: ReturnType<typeof requestIds>; metrics?: HttpMetrics }): NodeHandler {
  const nextId = deps.nextId ?? requestIds();
  const { logs, bodyLimit, logger, metrics } = deps;
  return (req, res) => {
    const url = req.url ?? '';
    if (req.method !== 'POST' || url !== PATH) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;

    const started = process.hrtime.bigint();
    const reqId = nextId(req.headers['x-request-id']);
    let answered = false;
    const answer = (status: number, type: string, body: string, close = false) => {
      if (answered) return;
      answered = true;
      const headers: Record<string, string | number> = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Request-Id': reqId };
      if (close) headers.Connection = 'close';
      res.writeHead(status, headers);
      res.end(body);
      logRequest(logger, { reqId, method: req.method, url, status, started });
      metrics?.record('POST', PATH, status, started);
    };
    const fail = (err: unknown, close = false) => {
      let error = knownError(err);
      if (!error) {
        logger.error({ err, reqId, url }, 'unhandled error');
        error = INTERNAL();
      }
      const problem = problemFor(error, url);
      answer(problem.status, PROBLEM_TYPE, JSON.stringify(problem), close);
    };

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
      let batch: ReturnType<typeof predictionBatchSchema.parse>;
      try {
        const body = decodeBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size), mediaType(req));
        // The hand-written check passes good batches; anything else gets the schema's 400.
        batch = fastBatch(body) ?? parseInput(predictionBatchSchema, body);
      } catch (e) {
        return fail(e);
      }
      logs.append(batch).then((result) => answer(201, JSON_TYPE, JSON.stringify(result)), fail);
    });
    req.on('error', () => {
      answered = true;
      res.destroy();
    });
    return true;
  };
}
