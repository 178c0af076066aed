import { ROUTE_NEEDS } from '../../auth/route-needs.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { MIN_TIMESTAMP_MS, parseTimestamp, TIMESTAMP_FORMS } from '../../domain/time.js';
import { MAX_BUNDLE_OBJECTS } from '../../domain/bundle.js';
import { validationError } from '../../errors.js';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { CatalogCache } from '../../registry/catalog-cache.js';
import type { RunStore } from '../../registry/run-store.js';
import { FEAST_BODY, parsedBody } from '../body.js';
import { runAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { problemFor, sendProblem } from '../problem.js';
import { parseInput } from '../validate.js';
import { failedMaterialization } from './feast-materialize-failure.js';
import { presentRun } from './pipelines.js';

const timestamp = z.string().describe('ISO 8601 / RFC 3339; without an offset: UTC (Feast makes naive times UTC too)');
const featureViews = z.array(z.string()).max(MAX_BUNDLE_OBJECTS).nullable().optional().describe('default: every feature view');
const version = z.string().nullable().optional().describe('"latest", "vN" or "N" (default latest)');

const materializeBody = z
  .strictObject({
    start_ts: timestamp.nullable().optional(),
    end_ts: timestamp.nullable().optional(),
    feature_views: featureViews,
    disable_event_timestamp: z.boolean().optional().describe('true: every row of the source, start and end not needed'),
    full_feature_names: z.boolean().optional().describe('accepted; names do not matter to a materialization'),
    version,
  })
  .meta({ id: 'FeastMaterializeRequest', description: "Feast's MaterializeRequest (sdk/python/feast/feature_server.py)." });

const incrementalBody = z
  .strictObject({ end_ts: timestamp, feature_views: featureViews, full_feature_names: z.boolean().optional(), version })
  .meta({ id: 'FeastMaterializeIncrementalRequest', description: "Feast's MaterializeIncrementalRequest." });

const answer = z.object({ status: z.string(), feature_views: z.array(z.string()), runs: z.array(runAnswer) });
/**
 * A flag in the query as FastAPI reads Feast's `async` and `force` (pydantic's bool: any case of
 * true/false, 1/0, yes/no, on/off, t/f, y/n), so `requests.post(url, params={"async": True})`, which
 * sends `async=True`, works as on Feast. A bare `?async` is true, as on Tessera's own routes.
 */
const PYDANTIC_TRUE = ['true', '1', 'yes', 'on', 't', 'y'];
const PYDANTIC_FALSE = ['false', '0', 'no', 'off', 'f', 'n'];
// Spelled out case by case ([tT][rR]...) so the OpenAPI document's pattern, which has no flags, says it too.
const anyCase = (word: string) => [...word].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : c)).join('');
const FLAG = new RegExp(`^(?:${[...PYDANTIC_TRUE, ...PYDANTIC_FALSE].map(anyCase).join('|')}|)$`);
const feastFlag = z
  .string()
  .regex(FLAG, { error: (issue) => `'${String(issue.input)}' is not true or false` })
  .optional()
  .transform((v) => v === '' || (v !== undefined && PYDANTIC_TRUE.includes(v.toLowerCase())))
  .describe('true or false, in any case, or 1/0, yes/no, on/off, t/f, y/n (default false)');
const query = z.strictObject({ async: feastFlag, force: feastFlag.describe('accepted for Feast; Tessera refuses a second run of a view anyway (409)') });

export const FEAST_MATERIALIZE_ROUTES = defineRoutes({
  materialize: {
    method: 'post',
    path: '/materialize',
    auth: ROUTE_NEEDS.materialize,
    tag: 'pipelines',
    summary: "Feast's materialize: one run per feature view over [start_ts, end_ts]",
    description:
      "Waits for the runs (200, their records) unless ?async=true (202, queued runs). A failed run makes the answer a problem document (its status from the run's reason: 502 for a source error, 422 for failed validation, 503 for the online store, else 500) with every run's record in `runs`. Each run is a backfill of the window, as POST /api/v1/feature-views/{name}/materialize with start and end.",
    query,
    body: { required: true, description: "Feast's MaterializeRequest", schema: materializeBody },
    responses: { 200: { description: 'the finished runs', schema: answer }, 202: { description: 'the queued runs', schema: answer } },
    problems: [400, 404, 409, 413, 415, 422, 500, 502, 503],
  },
  materializeIncremental: {
    method: 'post',
    path: '/materialize-incremental',
    auth: ROUTE_NEEDS.materialize,
    tag: 'pipelines',
    summary: "Feast's materialize-incremental: each feature view from its watermark up to end_ts",
    query,
    body: { required: true, description: "Feast's MaterializeIncrementalRequest", schema: incrementalBody },
    responses: { 200: { description: 'the finished runs', schema: answer }, 202: { description: 'the queued runs', schema: answer } },
    problems: [400, 404, 409, 413, 415, 422, 500, 502, 503],
  },
});

/** Feast's `/materialize` and `/materialize-incremental`, mapped to runs. */
export function feastMaterializeRoutes(deps: { pipelines: PipelineService; runs: RunStore; catalog: CatalogCache; bodyLimit: number; waitTimeoutMs?: number }): Router {
  const router = Router();
  const routes = FEAST_MATERIALIZE_ROUTES;
  const run = async (
    res: import('express').Response,
    asyncMode: boolean,
    listed: string[] | null | undefined,
    window: (view: string, version: number) => Promise<{ start: number | null; end: number | null }>,
    versionText: string | null | undefined,
    /** The request's field of the window's start; none when it is each view's watermark. */
    startField?: string,
  ) => {
    const catalog = await deps.catalog.get();
    const views = listed ?? [...catalog.featureViews.keys()];
    const items = [];
    for (const [i, name] of views.entries()) {
      const view = catalog.featureViews.get(name);
      const version = pickVersion(versionText, view?.versions.at(-1)?.version ?? 1);
      const { start, end } = await window(name, version);
      // Errors name the request's fields; without feature_views, every view was asked for.
      const fields = { name: listed ? `feature_views[${i}]` : 'feature_views', version: 'version', start: startField, end: 'end_ts' };
      items.push({ view: name, request: { start, end, version, trigger: 'manual' as const }, fields });
    }
    // All or none: a view refused after others were queued would leave their runs to commit.
    const records = await deps.pipelines.materializeAll(items);
    if (asyncMode) return void res.status(202).json({ status: 'accepted', feature_views: views, runs: records.map(presentRun) });
    const done = await Promise.all(records.map((r) => deps.pipelines.waitFor(r.id, { timeoutMs: deps.waitTimeoutMs ?? 3_600_000 })));
    const failure = failedMaterialization(done, views, listed !== null && listed !== undefined);
    if (failure) return void sendProblem(res, Object.assign(problemFor(failure, res.req.originalUrl), { feature_views: views, runs: done.map(presentRun) }));
    // Still running when the wait ended: as an async request's answer.
    if (!done.every((r) => r.status === 'succeeded')) return void res.status(202).json({ status: 'accepted', feature_views: views, runs: done.map(presentRun) });
    res.json({ status: 'succeeded', feature_views: views, runs: done.map(presentRun) });
  };

  router.post(routes.materialize.path, ...parsedBody(deps.bodyLimit, FEAST_BODY), async (req, res) => {
    const q = parseInput(routes.materialize.query, req.query, '(query) ');
    const body = parseInput(routes.materialize.body.schema, req.body);
    // A run's window is (start, end], in whole ms. Feast reads [start_ts, end_ts] (its offline stores'
    // BETWEEN), so the run starts 1 ms before start_ts. Without event times: every row there is, from
    // the earliest instant a timestamp holds (the run shows 0000-12-31T23:59:59.999Z, RFC 3339 still).
    let start: number | null = MIN_TIMESTAMP_MS - 1;
    let end: number | null = null;
    if (!body.disable_event_timestamp) {
      if (!body.start_ts || !body.end_ts)
        throw validationError('start_ts and end_ts are required unless disable_event_timestamp is true', [{ path: body.start_ts ? 'end_ts' : 'start_ts', message: 'required' }]);
      const from = time(body.start_ts, 'start_ts');
      end = time(body.end_ts, 'end_ts');
      if (from >= end) throw validationError('start_ts must be before end_ts', [{ path: 'start_ts', message: 'must be before end_ts' }]);
      start = from - 1;
    }
    await run(res, q.async, body.feature_views, async () => ({ start, end }), body.version, 'start_ts');
  });

  router.post(routes.materializeIncremental.path, ...parsedBody(deps.bodyLimit, FEAST_BODY), async (req, res) => {
    const q = parseInput(routes.materializeIncremental.query, req.query, '(query) ');
    const body = parseInput(routes.materializeIncremental.body.schema, req.body);
    const end = time(body.end_ts, 'end_ts');
    await run(res, q.async, body.feature_views, async (view, version) => ({ start: await deps.runs.watermark(view, version), end }), body.version);
  });
  return router;
}

function time(text: string, path: string): number {
  const ms = parseTimestamp(text);
  if (ms === null) throw validationError(`${path}: '${text}' is not a timestamp`, [{ path, message: `expected ${TIMESTAMP_FORMS}` }]);
  return ms;
}

function pickVersion(text: string | null | undefined, latest: number): number {
  if (text === null || text === undefined || text === 'latest') return latest;
  const m = /^v?([1-9][0-9]{0,8})$/.exec(text);
  if (!m) throw validationError(`version '${text}' is not "latest", "vN" or "N"`, [{ path: 'version', message: 'expected "latest", "vN" or "N"' }]);
  return Number(m[1]);
}
