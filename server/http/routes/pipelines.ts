import { named, needs, project } from '../../auth/route-auth.js';
import { Router } from 'express';
import { z } from '../../vendor/zod.cjs';
import { timestampSchema } from '../../domain/timestamp-schema.js';
import { formatTimestamp } from '../../domain/time.js';
import { notFound } from '../../errors.js';
import type { PipelineService } from '../../pipelines/pipeline-service.js';
import type { RunRecord } from '../../domain/run.js';
import type { RunStore } from '../../registry/run-store.js';
import type { SnapshotRecord } from '../../domain/snapshot.js';
import { parsedBody } from '../body.js';
import { runAnswer, type snapshotAnswer } from '../openapi/answers.js';
import { defineRoutes } from '../openapi/route-doc.js';
import { parseInput, queryBool, queryInt } from '../validate.js';

const iso = (ms: number | null) => (ms === null ? null : formatTimestamp(ms));

/** A run in the API; typed by the answer schema the OpenAPI document publishes. */
export function presentRun(r: RunRecord): z.output<typeof runAnswer> {
  return {
    id: r.id,
    featureView: r.featureView,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    reason: r.reason,
    error: r.error,
    start: iso(r.start),
    end: iso(r.end),
    window: { start: iso(r.windowStart), end: iso(r.windowEnd) },
    attempt: r.attempt,
    maxAttempts: r.maxAttempts,
    createdAt: formatTimestamp(r.createdAt),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
    rowsIn: r.rowsIn,
    rowsOut: r.rowsOut,
    rowsRejected: r.rowsRejected,
    rejectsByReason: r.rejectsByReason,
    rejectsFile: r.rejectsFile,
    snapshotId: r.snapshotId,
    steps: r.steps,
  };
}

export function presentSnapshot(s: SnapshotRecord): z.output<typeof snapshotAnswer> {
  return {
    id: s.id,
    runId: s.runId,
    rows: s.rows,
    watermark: iso(s.watermark),
    window: { start: iso(s.windowStart), end: iso(s.windowEnd) },
    eventTime: { min: iso(s.minEventTs), max: iso(s.maxEventTs) },
    committedAt: formatTimestamp(s.committedAt),
    files: s.files,
    statistics: s.stats,
  };
}

const materializeBody = z.strictObject({
  start: timestampSchema.optional().describe('exclusive; RFC 3339 or epoch ms; default: the watermark'),
  end: timestampSchema.optional().describe('inclusive; default: now'),
  version: z.number().int().positive().optional().describe('default: the latest'),
});

const viewParam = z.object({ name: z.string() });

export const PIPELINE_ROUTES = defineRoutes({
  materialize: {
    method: 'post',
    path: '/api/v1/feature-views/:name/materialize',
    auth: needs(['WRITE_ONLINE', 'WRITE_OFFLINE'], named('feature_view'), { expensive: true }),
    tag: 'pipelines',
    summary: 'Run a materialization (a backfill with start and end)',
    params: viewParam,
    query: z.strictObject({ wait: queryBool.describe('answer when the run has ended, with the run') }),
    body: { required: false, description: 'the window and version; an empty body reads what is new', schema: materializeBody },
    responses: {
      200: { description: 'with wait=true: the ended run', schema: runAnswer },
      202: { description: 'the run, queued', schema: z.object({ runId: z.number().int(), run: runAnswer }) },
    },
    problems: [400, 404, 409, 413, 415],
  },
  refit: {
    method: 'post',
    path: '/api/v1/feature-views/:name/refit',
    auth: needs('UPDATE', named('feature_view'), { expensive: true }),
    tag: 'pipelines',
    summary: 'A new version with freshly fitted state, and its first run',
    params: viewParam,
    responses: { 201: { description: 'the new version and its run', schema: z.object({ featureView: z.string(), version: z.number().int(), runId: z.number().int() }) } },
    problems: [404, 409],
  },
  runs: {
    method: 'get',
    path: '/api/v1/runs',
    auth: needs('DESCRIBE', project('runs')),
    tag: 'pipelines',
    summary: 'Run history, newest first',
    query: z.strictObject({
      featureView: z.string().optional(),
      status: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
      limit: queryInt(1, 1000).default(100),
      before: queryInt(1, Number.MAX_SAFE_INTEGER).optional().describe('runs with a smaller id (paging)'),
    }),
    responses: { 200: { description: 'the runs', schema: z.object({ runs: z.array(runAnswer) }) } },
    problems: [400],
  },
  run: {
    method: 'get',
    path: '/api/v1/runs/:id',
    auth: needs('DESCRIBE', project('runs')),
    tag: 'pipelines',
    summary: 'One run: window, rows in/out/rejected, step timings, error',
    params: z.object({ id: z.string().describe('decimal digits') }),
    responses: { 200: { description: 'the run', schema: runAnswer } },
    problems: [404],
  },
});

/** Materialize, refit, and the run history. */
export function pipelineRoutes(deps: { pipelines: PipelineService; runs: RunStore; bodyLimit: number; waitTimeoutMs?: number }): Router {
  const router = Router();
  const routes = PIPELINE_ROUTES;
  router.post(routes.materialize.path, ...parsedBody(deps.bodyLimit, { allowEmpty: true }), async (req, res) => {
    const { wait } = parseInput(routes.materialize.query, req.query, '(query) ');
    const body = parseInput(routes.materialize.body.schema, req.body);
    const run = await deps.pipelines.materialize(String(req.params.name), { ...body, trigger: 'manual' });
    if (!wait)
      return void res
        .status(202)
        .location(`/api/v1/runs/${run.id}`)
        .json({ runId: run.id, run: presentRun(run) });
    res.json(presentRun(await deps.pipelines.waitFor(run.id, { timeoutMs: deps.waitTimeoutMs ?? 3_600_000 })));
  });
  router.post(routes.refit.path, async (req, res) => {
    const { name } = parseInput(routes.refit.params, req.params);
    const { version, run } = await deps.pipelines.refit(name);
    res.status(201).json({ featureView: name, version, runId: run.id });
  });
  router.get(routes.runs.path, async (req, res) => {
    const query = parseInput(routes.runs.query, req.query, '(query) ');
    const runs = await deps.runs.list({ featureView: query.featureView, status: query.status, limit: query.limit, beforeId: query.before });
    res.json({ runs: runs.map(presentRun) });
  });
  router.get(routes.run.path, async (req, res) => {
    const { id: text } = parseInput(routes.run.params, req.params);
    // Decimal digits only: `1e0` or `0x1` are not the id of run 1.
    const id = /^[1-9]\d{0,14}$/.test(text) ? Number(text) : 0;
    const run = id > 0 ? await deps.runs.get(id) : null;
    if (!run) throw notFound('run', text, 'id');
    res.json(presentRun(run));
  });
  return router;
}
